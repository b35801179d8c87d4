import { fitsSegments } from './segments';
import { localize, type Lang, type Localized } from '../../flows';

/**
 * What the SMS channel itself says (the engine says everything about the check).
 * Japanese first; English, and every other language through the phrasebook, for persons who chose it. Each text stays within one or two
 * segments, with realistic names and numbers filled in (tests/bot/sms/texts.test.ts checks).
 */
type T = Localized;

export const SMS_TEXTS = {
  optedOut: { ja: '見守りSMSの配信を停止しました。再開するには「再開」と返信してください。', en: 'Health check SMS stopped. Reply START to resume.' },
  optedIn: { ja: '見守りSMSの配信を再開しました。停止するには「停止」と返信してください。', en: 'Health check SMS resumed. Reply STOP to stop.' },
  help: { ja: '見守り（健康観察）のSMSです。お問い合わせ: {name} {phone}　停止は「停止」', en: 'Mimamori health check SMS. Contact: {name} {phone}. Reply STOP to stop.' },
  unknownNumber: { ja: 'この番号は健康観察に登録されていません。お問い合わせ: {name} {phone}', en: 'Not registered for health checks. Contact: {phone}' },
  unknownNumberGeneric: { ja: 'この番号は健康観察に登録されていません。担当の保健所にお問い合わせください。', en: 'This number is not registered for health checks. Please contact your health centre.' },
  monitoringEnded: { ja: '健康観察の期間は終わっています。毎日の報告は不要です。ご相談: {name} {phone}', en: 'Your health monitoring has ended; no need to report. Questions: {name} {phone}' },
  notMonitored: { ja: '現在、SMSでの健康観察は行っていません。ご相談: {name} {phone}', en: 'There is no health check by SMS for you at present. Questions: {name} {phone}' },
  noOpenCheck: { ja: '今お答えいただく健康観察はありません。次回の連絡をお待ちください。', en: 'There is no health check to answer now. We will message you at the next one.' },
  checkClosed: { ja: '本日のこの回の健康観察は締め切りました。次回の連絡をお待ちください。', en: 'This health check has closed. We will message you at the next one.' },
  reminder: { ja: '【再送】', en: '[Reminder]' },
} satisfies Record<string, T>;

export function smsText(key: keyof typeof SMS_TEXTS, lang: Lang | null, vars: Record<string, string> = {}): string {
  const t = SMS_TEXTS[key];
  const template = localize(t, lang ?? 'ja');
  return template.replace(/\{(\w+)\}/g, (all, k: string) => vars[k] ?? all);
}

/** Japanese, then English in the same SMS when both fit in two segments; else Japanese only. */
export function bilingual(key: keyof typeof SMS_TEXTS, vars: Record<string, string> = {}): string {
  const both = `${smsText(key, 'ja', vars)}\n${smsText(key, 'en', vars)}`;
  return fitsSegments(both) ? both : smsText(key, 'ja', vars);
}
