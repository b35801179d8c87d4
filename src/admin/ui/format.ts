import { formatInTimeZone } from 'date-fns-tz';
import type { QuestionWording, Wording } from '../../domain/persons/question-wording';
import type { Lang } from './i18n';

/**
 * The console shows times in the health centre's local time, never UTC: the centre's own
 * zone where the page is about one person (jurisdictions.time_zone), else Japan time —
 * every health centre is in Asia/Tokyo today.
 */
export const CONSOLE_TZ = 'Asia/Tokyo';

export function fmtDateTime(d: Date | null | undefined, _lang: Lang, timeZone = CONSOLE_TZ): string {
  return d ? formatInTimeZone(d, timeZone, 'yyyy-MM-dd HH:mm') : '—';
}

/** With seconds, for the audit log (several events a minute must stay in order to the eye). */
export function fmtDateTimeSeconds(d: Date | null | undefined, timeZone = CONSOLE_TZ): string {
  return d ? formatInTimeZone(d, timeZone, 'yyyy-MM-dd HH:mm:ss') : '—';
}

export function fmtShort(d: Date | null | undefined, timeZone = CONSOLE_TZ): string {
  return d ? formatInTimeZone(d, timeZone, 'MM/dd HH:mm') : '—';
}

/** An observation's value as text: numbers with their unit, yes/no/unknown, choices (by their labels when known). */
export function fmtValue(o: { valueNumber: number | null; valueText: string | null; value: unknown; unit: string | null; status?: string }, lang: Lang, choices: Record<string, Wording> = {}): string {
  const choice = (v: unknown) => (typeof v === 'string' && choices[v] ? choices[v][lang] : String(v));
  if (o.status === 'unanswered') return lang === 'ja' ? '未回答' : 'not answered';
  if (o.valueNumber !== null && o.valueNumber !== undefined) return `${o.valueNumber}${o.unit ? ` ${o.unit}` : ''}`;
  if (o.value === true) return lang === 'ja' ? 'はい' : 'yes';
  if (o.value === false) return lang === 'ja' ? 'いいえ' : 'no';
  if (o.value === 'unknown') return lang === 'ja' ? 'わからない' : "don't know";
  if (Array.isArray(o.value)) return o.value.map(choice).join(lang === 'ja' ? '、' : ', ');
  if (typeof o.value === 'string' && choices[o.value]) return choice(o.value);
  return o.valueText ?? (o.value === null || o.value === undefined ? '—' : String(o.value));
}

/**
 * One answer as staff read it: the question's wording in the flow version the check was
 * pinned to (the id only if that version lacks it), and the value with its choice labels.
 * @example fmtAnswer(o, 'ja', wordings[session.flowVersionId]) → { question: '今朝の体温は何度でしたか？', value: '37.8 ℃' }
 */
export function fmtAnswer(
  o: { questionId: string; valueNumber: number | null; valueText: string | null; value: unknown; unit: string | null; status?: string },
  lang: Lang,
  questions: Record<string, QuestionWording> | undefined,
): { question: string; value: string } {
  const q = questions?.[o.questionId];
  return { question: q ? q[lang] : o.questionId, value: fmtValue(o, lang, q?.choices) };
}

/** Values of a reason ({ temperature: 38.5, spo2: 93 }) as "temperature 38.5, spo2 93", each key through `label` (question wording). */
export function fmtReasonValues(values: Record<string, unknown>, label: (key: string) => string = (k) => k): string {
  return Object.entries(values)
    .map(([k, v]) => `${label(k)} ${Array.isArray(v) ? v.join(' → ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}
