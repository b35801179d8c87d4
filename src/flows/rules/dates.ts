import { formatInTimeZone } from 'date-fns-tz';
import type { FlowContext } from '../types.js';

/** Today's local date for the person: ctx.localDate, else `now` read in ctx.timeZone (default Asia/Tokyo). */
export function localDateOf(ctx: FlowContext): string {
  if (ctx.localDate && /^\d{4}-\d{2}-\d{2}$/.test(ctx.localDate)) return ctx.localDate;
  try {
    return formatInTimeZone(new Date(ctx.now), ctx.timeZone ?? 'Asia/Tokyo', 'yyyy-MM-dd');
  } catch {
    return ctx.now.slice(0, 10); // an unreadable instant must not stop a session; trends just see no yesterday
  }
}

/** The calendar date `days` before a YYYY-MM-DD date (pure arithmetic, no zone involved). */
export function daysBefore(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) - days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}
