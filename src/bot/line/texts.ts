import { localize, type Lang } from '../../flows';

/** A text in Japanese (first) and English; やさしい日本語 falls back to Japanese where not given. */
export interface BiText {
  ja: string;
  en: string;
  'ja-easy'?: string;
}

/** The wording in the person's language (other languages through the phrasebook, by the English). */
export function pick(t: BiText, lang: Lang): string {
  return localize(t, lang);
}

/** For people we do not know yet (not linked): Japanese, then English on its own lines. */
export function both(t: BiText): string {
  return `${t.ja}\n\n${t.en}`;
}

/** Fill {name} placeholders: the flows' one fill. */
export { fillVars as fill } from '../../flows';

/** Words the patient may type (or a rich-menu button sends) to ask for something. */
export const KEYWORDS = {
  report: ['今すぐ報告', 'いますぐ報告', '報告', 'ほうこく', 'report', 'report now'],
  records: ['記録を見る', '記録', 'きろく', 'records', 'my records'],
  contact: ['保健所に連絡', '保健所', 'ほけんじょ', 'contact', 'health centre', 'health center'],
} as const;

export const T = {
  greeting: {
    ja: '友だち追加ありがとうございます。こちらは保健所の「見守り」健康観察アカウントです。毎日の体温や体調を、このトークで報告していただけます。\n\n保健所からお知らせした12桁の連携コードを、このトークに送ってください。',
    en: 'Thank you for adding us. This is the Mimamori daily health check account of your health centre; you can report your temperature and condition here every day.\n\nPlease send the 12-digit link code your health centre gave you.',
  },
  welcomeBack: {
    ja: 'おかえりなさい。引き続き、このトークで健康観察を行います。',
    en: 'Welcome back. Your daily health check continues here.',
  },
  askCode: {
    ja: 'はじめに、保健所からお知らせした12桁の連携コードを送ってください（例: 1234-5678-9012）。',
    en: 'First, please send the 12-digit link code from your health centre (e.g. 1234-5678-9012).',
  },
  linked: {
    ja: '連携が完了しました。{centre}の健康観察をこのトークで行います。毎日お知らせが届きますので、ボタンか文字で答えてください。',
    en: 'Your account is now linked. Your daily health check from {centre} will arrive here; answer with the buttons or by typing.',
  },
  alreadyLinked: {
    ja: 'このLINEアカウントはすでに連携済みです。',
    en: 'This LINE account is already linked.',
  },
  linkedToOther: {
    ja: 'このLINEアカウントは別の方と連携されています。変更は保健所にご相談ください。',
    en: 'This LINE account is linked to someone else. Please contact your health centre to change it.',
  },
  wrongCode: {
    ja: '連携コードが正しくないか、有効期限が切れています。数字12桁をもう一度お確かめください（あと{left}回まで）。',
    en: 'That link code is wrong or has expired. Please check the 12 digits and try again ({left} tries left).',
  },
  lockedOut: {
    ja: '連携コードの入力に続けて失敗したため、しばらく受け付けられません。{minutes}分ほどたってから、もう一度お試しください。わからない場合は保健所にご連絡ください。',
    en: 'Too many wrong link codes. Please wait about {minutes} minutes and try again, or contact your health centre.',
  },
  closed: {
    ja: 'この健康観察は締め切られました。最新のお知らせのボタンから答えてください。',
    en: 'This health check is closed. Please answer using the buttons in the latest message.',
  },
  alreadyAnswered: {
    ja: 'その質問にはすでにお答えいただいています。続けて、次の質問に答えてください。',
    en: 'You have already answered that question. Please go on with the next one.',
  },
  monitoringEnded: {
    ja: '健康観察は終了しています。このトークで報告していただく必要はありません。体調のことで相談したいときは、保健所にご連絡ください。',
    en: 'Your health monitoring has ended, so there is nothing to report here. If you want advice about your health, please contact your health centre.',
  },
  notUnderstood: {
    ja: 'すみません、スタンプや画像、位置情報にはお答えできません。ボタンか文字で答えてください。',
    en: 'Sorry, stickers, images and locations cannot be read. Please use the buttons or type your answer.',
  },
  nextCheck: {
    ja: '次の健康観察は{when}にお知らせします。',
    en: 'Your next health check will arrive {when}.',
  },
  noNextCheck: {
    ja: '現在、予定されている健康観察はありません。',
    en: 'No health check is scheduled at the moment.',
  },
  reportNow: {
    ja: '今すぐ報告したいときは「今すぐ報告」を押してください。',
    en: 'To report now, tap "Report now" (今すぐ報告).',
  },
  contact: {
    ja: '担当保健所: {centre}\n電話: {phone}{hours}\n息苦しいなど急ぐときは、すぐに電話してください。夜間・休日で保健所につながらないときは119番へ。',
    en: 'Your health centre: {centre}\nPhone: {phone}{hours}\nIf it is urgent (e.g. you are short of breath), call now. If the centre is closed, call 119.',
  },
  records: {
    ja: '最近の記録です。',
    en: 'Your recent records:',
  },
  noRecords: {
    ja: 'まだ記録がありません。',
    en: 'There are no records yet.',
  },
  reminder: {
    ja: '健康観察のご回答がまだのようです。お手数ですが、答えてください。',
    en: 'We have not received your health check yet. Please answer when you can.',
  },
  chooseNumber: {
    ja: '番号で答えてください。いくつでも選べます（例: 1 3）。',
    en: 'Answer with the numbers; you may choose several (e.g. 1 3).',
  },
  chooseOneNumber: {
    ja: '番号で答えてください（例: 2）。',
    en: 'Answer with a number (e.g. 2).',
  },
  multiHint: {
    ja: '複数あるときは番号を続けて送ってください（例: 1 3）。',
    en: 'If several apply, send their numbers (e.g. 1 3).',
  },
  contactLinked: {
    ja: '連携が完了しました。{centre}から、ご家族の健康観察をこのトークでお送りします。お知らせが届いたら、ボタンか文字で答えてください。',
    en: 'Your account is now linked. The daily health check of your family from {centre} will arrive here; answer with the buttons or by typing.',
    'ja-easy': 'れんけいが できました。{centre}から、かぞくの けんこうかんさつを この トークで おくります。ボタンか もじで こたえて ください。',
  },
  noOpenCheck: {
    ja: '今お答えいただく健康観察はありません。次回の連絡をお待ちください。',
    en: 'There is no health check to answer now. We will message you at the next one.',
  },
  today: { ja: '今日の{time}ごろ', en: 'today at about {time}' },
  tomorrow: { ja: '明日の{time}ごろ', en: 'tomorrow at about {time}' },
  reportButton: { ja: '今すぐ報告', en: 'Report now' },
} satisfies Record<string, BiText>;

/**
 * To a facility's staff contact (who gets the round report link by LINE): their language
 * is not known, so Japanese then English (both()). Not a patient's text.
 */
export const FACILITY_CONTACT_TEXTS = {
  linked: {
    ja: '連携が完了しました。{facility}の健康観察の一括報告のリンクを、このトークでお送りします。',
    en: 'Your account is now linked. The round report link for {facility} will be sent here.',
  },
  note: {
    ja: 'このアカウントからは、施設の一括報告のリンクをお送りします。報告はリンク先のページでお願いします。',
    en: 'This account sends your facility’s round report link; please report on the linked page.',
  },
} satisfies Record<string, BiText>;
