import type { QuestionNode, Text } from '../definition/schema.js';

/**
 * Small builders for the default flows, so each question reads as one line of data.
 * The result is plain JSON: what the seed stores and the console edits.
 */
export function text(ja: string, en: string, easy?: string, channels?: Text['channels']): Text {
  return { ja, en, ...(easy ? { 'ja-easy': easy } : {}), ...(channels ? { channels } : {}) };
}

/** A はい / いいえ / わからない symptom question with its SMS and voice wording. */
export function symptom(
  next: string,
  t: { ja: string; en: string; easy: string; sms: string; smsEn: string; voice: string; voiceEn: string },
): QuestionNode {
  return {
    type: 'question',
    kind: 'yes_no',
    allowUnknown: true,
    next,
    text: text(t.ja, t.en, t.easy, { sms: { ja: t.sms, en: t.smsEn }, voice: { ja: t.voice, en: t.voiceEn } }),
  };
}
