import { fillVars, isJapanese, localize, type Lang, type OutMessage } from '../../flows';


/**
 * Numbers the way a listener expects to hear them: 37.8 ℃ → 「37度8分」, 93 % → 「93パーセント」,
 * 80 回/分 → 「1分間に80回」. Pure.
 */
export function spokenValue(value: number, unit: string | undefined, lang: Lang): string {
  if (!isJapanese(lang)) {
    const en = unit === '℃' ? '{value} degrees' : unit === '%' ? '{value} percent' : unit === '回/分' ? '{value} beats per minute' : null;
    if (en) return fillVars(localize({ ja: en, en }, lang), { value });
    return `${value}${unit ? ` ${unit}` : ''}`;
  }
  if (unit === '℃') {
    const [whole, tenth] = value.toFixed(1).split('.') as [string, string];
    return tenth === '0' ? `${whole}度` : `${whole}度${tenth}分`;
  }
  if (unit === '%') return `${value}パーセント`;
  if (unit === '回/分') return `1分間に${value}回`;
  return `${value}${unit ?? ''}`;
}

/** The read-back of a critical value: 「37度8分ですね。正しければ1を、違う場合は2を押してください。」 */
export function confirmText(value: number, unit: string | undefined, lang: Lang): string {
  const v = spokenValue(value, unit, lang);
  return fillVars(localize({ ja: '{value}ですね。正しければ1を、違う場合は2を押してください。', en: '{value}, is that right? If it is, press 1. If not, press 2.' }, lang), { value: v });
}

/**
 * 「はいは1、いいえは2、わからないは3を押してください。」 — the keypad guide the flow's voice
 * wording leaves to the adapter (choice questions only; number questions say it themselves).
 */
export function keypadGuide(m: OutMessage, lang: Lang): string | null {
  if (!m.choices?.length || m.choices.length > 8 || m.kind === 'confirm') return null;
  if (!isJapanese(lang)) return m.choices.map((c, i) => fillVars(localize({ ja: '', en: 'For {label}, press {n}.' }, lang), { label: c.label, n: i + 1 })).join(' ');
  return `${m.choices.map((c, i) => `${c.label}は${i + 1}`).join('、')}を押してください。`;
}

export const VOICE_TEXTS = {
  repeatHint: { ja: 'もう一度聞くには、9を押してください。', en: 'To hear this again, press 9.' },
  callbackHint: { ja: '看護師から電話がほしいときは、0を押してください。', en: 'For a nurse to call you back, press 0.' },
  callbackAck: { ja: '看護師から折り返しお電話します。このまま質問を続けます。', en: 'A nurse will call you back. Let us continue with the questions.' },
  resume: { ja: '健康観察の続きです。', en: 'Let us continue your health check.' },
  closed: { ja: '本日の健康観察は終了しています。お電話ありがとうございました。', en: "Today's health check is closed. Thank you for calling." },
  goodbye: { ja: 'お電話ありがとうございました。失礼します。', en: 'Thank you. Goodbye.' },
  /** After the flow's own closing thanks: just the farewell, not a second thank-you. */
  farewell: { ja: '失礼します。', en: 'Goodbye.' },
  unknownCaller: {
    ja: 'こちらは保健所の健康観察の自動音声です。このお電話番号は登録されていません。',
    en: 'This is the automated health check line. Your number is not registered.',
  },
  monitoringEnded: {
    ja: 'こちらは保健所の健康観察の自動音声です。健康観察の期間は終わっています。毎日の報告は必要ありません。',
    en: 'This is the automated health check line. Your health monitoring period has ended. You no longer need to report.',
  },
  notMonitored: {
    ja: 'こちらは保健所の健康観察の自動音声です。現在、お電話での健康観察は行っていません。',
    en: 'This is the automated health check line. There is no health check for you by phone at present.',
  },
  unknownContact: { ja: 'お問い合わせは、{name}、電話番号 {phone} までお願いします。', en: 'Please contact {name} on {phone}.' },
  unknownGeneric: { ja: 'お住まいの地域の保健所にお問い合わせください。', en: 'Please contact your local health centre.' },
  notConfigured: { ja: 'ただいま自動音声を利用できません。保健所にお問い合わせください。', en: 'The automated line is not available. Please contact your health centre.' },
} as const;

export function voiceText(key: keyof typeof VOICE_TEXTS, lang: Lang, vars: Record<string, string> = {}): string {
  const t = VOICE_TEXTS[key];
  return localize(t, lang).replace(/\{(\w+)\}/g, (all, k: string) => vars[k] ?? all);
}
