import { LANGUAGES, isLang as isKnownLang, localize, type Lang, type Localized } from '../../flows';

/**
 * The web check page's own wording (the questions come from the flow version). Japanese
 * first, English, and やさしい日本語 (short words, spaces between phrases, hiragana); the other
 * languages from the phrasebook (src/flows/languages/phrasebook/doors.ts), by the English.
 */
export const WEB_TEXTS = {
  title: { ja: '毎日の健康観察', en: 'Daily health check', 'ja-easy': 'まいにちの けんこう チェック' },
  language: { ja: '言語', en: 'Language', 'ja-easy': 'ことば' },
  send: { ja: '送信する', en: 'Send', 'ja-easy': 'おくる' },
  next: { ja: '次へ', en: 'Next', 'ja-easy': 'つぎへ' },
  chooseAll: { ja: '当てはまるものを全部選んでから「次へ」を押してください。', en: 'Tick everything that applies, then press "Next".', 'ja-easy': 'あてはまる ものを ぜんぶ えらんで、「つぎへ」を おして ください。' },
  range: { ja: '{min}〜{max}{unit}の数字で入力してください。', en: 'Enter a number from {min} to {max}{unit}.', 'ja-easy': '{min}から {max}{unit}の すうじを いれて ください。' },
  optionalText: { ja: 'なければ、空欄のまま「次へ」を押してください。', en: 'If there is nothing, leave it empty and press "Next".', 'ja-easy': 'なにも なければ、そのまま「つぎへ」を おして ください。' },
  answerAgain: { ja: '答えを読み取れませんでした。もう一度お答えください。', en: 'We could not read that answer. Please answer again.', 'ja-easy': 'こたえが わかりませんでした。もう いちど こたえて ください。' },
  answeredCount: { ja: '回答済み {n} 問', en: '{n} answered', 'ja-easy': '{n}もん こたえました' },
  urgentTitle: { ja: '今すぐ電話してください', en: 'Please call now', 'ja-easy': 'いますぐ でんわ して ください' },
  urgentStill: { ja: '苦しいとき、具合が悪くなったときは、すぐ電話してください。', en: 'If you feel worse or struggle to breathe, call at once.', 'ja-easy': 'くるしい とき、ぐあいが わるい ときは すぐ でんわ して ください。' },
  callCentre: { ja: '{name}に電話する', en: 'Call {name}', 'ja-easy': '{name}に でんわ する' },
  callCentreClosed: { ja: '{name}（時間外・つながらないことがあります）', en: '{name} (closed now: may not answer)', 'ja-easy': '{name}（いまは じかんがい）' },
  call119: { ja: '119番（救急）に電話する', en: 'Call 119 (ambulance)', 'ja-easy': '119ばん（きゅうきゅう）に でんわ する' },
  doneTitle: { ja: '回答を受け付けました', en: 'Your answers were received', 'ja-easy': 'こたえを うけとりました' },
  doneBody: {
    ja: 'この健康観察は回答済みです。このリンクはもう使えません。具合が悪くなったときは、{name}（{phone}）に電話してください。',
    en: 'This health check has been answered and this link can no longer be used. If you feel worse, call {name} on {phone}.',
    'ja-easy': 'この チェックは もう こたえて あります。この リンクは もう つかえません。ぐあいが わるく なったら {phone} に でんわ して ください。',
  },
  closedTitle: { ja: 'この健康観察は終了しました', en: 'This health check is closed', 'ja-easy': 'この チェックは おわりました' },
  closedBody: {
    ja: '回答の受付時間が過ぎたため、このリンクは使えません。次回の健康観察のご案内をお待ちください。具合が悪いときや、今日の回答をしたいときは、{name}（{phone}）に電話してください。',
    en: 'The time to answer is over, so this link can no longer be used. Please wait for the next health check. If you feel unwell or want to report today, call {name} on {phone}.',
    'ja-easy': 'こたえる じかんが おわったので、この リンクは つかえません。つぎの おしらせを まって ください。ぐあいが わるい ときは {phone} に でんわ して ください。',
  },
  invalidTitle: { ja: 'このリンクは使えません', en: 'This link cannot be used', 'ja-easy': 'この リンクは つかえません' },
  invalidBody: {
    ja: 'リンクが正しくないか、途中で切れています。届いたメッセージのリンクをもう一度開くか、担当の保健所に電話してください。',
    en: 'The link is wrong or incomplete. Open the link in your message again, or call your health centre.',
    'ja-easy': 'リンクが ただしく ありません。もう いちど メッセージの リンクを ひらくか、ほけんじょに でんわ して ください。',
  },
  tooLarge: { ja: '入力が長すぎます。短くしてもう一度送ってください。', en: 'That was too long. Please shorten it and send again.', 'ja-easy': 'ながすぎます。みじかく して ください。' },
  errorTitle: { ja: 'うまく表示できませんでした', en: 'Something went wrong', 'ja-easy': 'うまく いきませんでした' },
  errorBody: {
    ja: '一時的な問題です。最後の回答は保存されていないかもしれません。少し待ってから、もう一度このリンクを開いてください。',
    en: 'This is a temporary problem. Your last answer may not have been saved. Please wait a moment and open the link again.',
    'ja-easy': 'いま うまく いきませんでした。すこし まってから、もう いちど リンクを ひらいて ください。',
  },
  noPhone: { ja: '担当の保健所', en: 'your health centre', 'ja-easy': 'ほけんじょ' },
} satisfies Record<string, Localized>;

export type WebText = keyof typeof WEB_TEXTS;

/** The language links of every page: each language by its own name (languages/index.ts). */
export const LANGS: { code: Lang; label: string; htmlLang: string }[] = LANGUAGES.map((l) => ({ code: l.code, label: l.label, htmlLang: l.htmlLang }));

export function isLang(v: unknown): v is Lang {
  return isKnownLang(v);
}

/** The page's wording in a language, with {placeholders} filled. */
export function t(lang: Lang, key: WebText, vars: Record<string, string | number> = {}): string {
  return localize(WEB_TEXTS[key], lang).replace(/\{(\w+)\}/g, (all, k: string) => (vars[k] === undefined ? all : String(vars[k])));
}
