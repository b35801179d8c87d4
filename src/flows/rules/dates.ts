import type { FlowContext } from '../types.js';

// Building an Intl.DateTimeFormat costs far more than an advance; one per zone is kept.
const formats = new Map<string, Intl.DateTimeFormat>();

/** Today's local date for the person: ctx.localDate, else `now` read in ctx.timeZone (default Asia/Tokyo). */
export function localDateOf(ctx: FlowContext): string {
  if (ctx.localDate && /^\d{4}-\d{2}-\d{2}$/.test(ctx.localDate)) return ctx.localDate;
  const zone = ctx.timeZone ?? 'Asia/Tokyo';
  try {
    let f = formats.get(zone);
    if (!f) {
      f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
      formats.set(zone, f);
    }
    return f.format(new Date(ctx.now)); // en-CA formats as YYYY-MM-DD
  } catch {
    return String(ctx.now).slice(0, 10); // an unreadable instant or zone must not stop a session; trends just see no yesterday
  }
}

/** The calendar date `days` before a YYYY-MM-DD date (pure arithmetic, no zone involved). */
export function daysBefore(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) - days * 86_400_000;
  const out = new Date(t);
  return Number.isNaN(out.getTime()) ? '' : out.toISOString().slice(0, 10);
}
