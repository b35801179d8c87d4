import { formatInTimeZone } from 'date-fns-tz';
import type { Lang } from './i18n';

/** The console shows times in Japan time: every health centre is in Asia/Tokyo today. */
export const CONSOLE_TZ = 'Asia/Tokyo';

export function fmtDateTime(d: Date | null | undefined, _lang: Lang): string {
  return d ? formatInTimeZone(d, CONSOLE_TZ, 'yyyy-MM-dd HH:mm') : '—';
}

export function fmtShort(d: Date | null | undefined): string {
  return d ? formatInTimeZone(d, CONSOLE_TZ, 'MM/dd HH:mm') : '—';
}

/** An observation's value as text: numbers with their unit, yes/no/unknown, choices. */
export function fmtValue(o: { valueNumber: number | null; valueText: string | null; value: unknown; unit: string | null; status?: string }, lang: Lang): string {
  if (o.status === 'unanswered') return lang === 'ja' ? '未回答' : 'not answered';
  if (o.valueNumber !== null && o.valueNumber !== undefined) return `${o.valueNumber}${o.unit ? ` ${o.unit}` : ''}`;
  if (o.value === true) return lang === 'ja' ? 'はい' : 'yes';
  if (o.value === false) return lang === 'ja' ? 'いいえ' : 'no';
  if (o.value === 'unknown') return lang === 'ja' ? 'わからない' : "don't know";
  if (Array.isArray(o.value)) return o.value.join(', ');
  return o.valueText ?? (o.value === null || o.value === undefined ? '—' : String(o.value));
}

/** Values of a reason ({ temperature: 38.5, spo2: 93 }) as "temperature 38.5, spo2 93". */
export function fmtReasonValues(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(' → ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}
