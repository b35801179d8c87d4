import type { QuestionNode, RuleDef, Text } from '../definition/schema.js';

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

export const r = (ja: string, en: string) => ({ ja, en });

/**
 * The amber rule of a red-symptom yes/no question: 「わからない」 (or a hedge read as unknown)
 * or no readable answer at all — a nurse reviews it rather than it passing as "no".
 */
export function unsureOf(question: string, ja: string, en: string): RuleDef {
  return {
    id: `${question}_unknown`, type: 'answer', question, anyOf: ['unknown', null], severity: 'amber',
    reason: r(`${ja}が「わからない」、または答えが読み取れない`, `Not sure about ${en}, or no readable answer`),
  };
}
