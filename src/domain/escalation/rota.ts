import { formatInTimeZone } from 'date-fns-tz';
import { HOLIDAY_DAY, type OnCallRole } from '../../../db/schema';
import { closedDayOf } from '../opening-hours/centre-open';
import { addDays, instantOf, localDateOf, localTimeOf } from '../time';

/**
 * The rota's arithmetic, pure (no database, the time comes in).
 *
 * A 'once' shift covers [startsAt, endsAt). A 'weekly' shift repeats: on every local date
 * from its first one whose day kind is in `days`, it starts at startsAt's local time and
 * lasts as long as the first one. The day kind of a date is its ISO weekday (1 = Mon … 7),
 * except that a public holiday or a day of the year-end closure (12/29–1/3) is day 8
 * (祝日): a weekday-night pattern does not run on a holiday, the holiday pattern does.
 * For a role and position, a 'once' shift covering t overrides the weekly ones.
 */
export interface Shift {
  id: string;
  role: OnCallRole;
  position: number;
  name: string;
  staffUserId: string | null;
  phone: string;
  repeat: 'once' | 'weekly';
  days: number[] | null;
  startsAt: Date;
  endsAt: Date;
}

const DAY_MS = 86_400_000;

/** ISO weekday of a local date, or 8 for a holiday / the year-end closure. */
export function dayKindOf(localDate: string): number {
  if (closedDayOf(localDate)) return HOLIDAY_DAY;
  return Number(formatInTimeZone(new Date(`${localDate}T12:00:00Z`), 'UTC', 'i'));
}

/** The occurrence of a shift covering `at`, if any: its start and end instants. */
export function occurrenceAt(shift: Shift, at: Date, timeZone: string): { start: Date; end: Date } | null {
  if (shift.repeat === 'once') return shift.startsAt <= at && at < shift.endsAt ? { start: shift.startsAt, end: shift.endsAt } : null;
  const length = shift.endsAt.getTime() - shift.startsAt.getTime();
  const firstDate = localDateOf(shift.startsAt, timeZone);
  const time = localTimeOf(shift.startsAt, timeZone);
  const today = localDateOf(at, timeZone);
  // An occurrence that started up to `length` ago may still run: look back that many days.
  for (let back = 0; back <= Math.ceil(length / DAY_MS) + 1; back++) {
    const date = addDays(today, -back);
    if (date < firstDate) break;
    if (!(shift.days ?? []).includes(dayKindOf(date))) continue;
    const start = instantOf(date, time, timeZone);
    const end = new Date(start.getTime() + length);
    if (start <= at && at < end) return { start, end };
  }
  return null;
}

export interface OnCallEntry {
  shift: Shift;
  start: Date;
  end: Date;
}

/** Who is on call at `at`, role by role, in position order (on-call people, then administrators). */
export function onCallAt(shifts: readonly Shift[], at: Date, timeZone: string): OnCallEntry[] {
  const bySlot = new Map<string, OnCallEntry>();
  for (const shift of shifts) {
    const occ = occurrenceAt(shift, at, timeZone);
    if (!occ) continue;
    const key = `${shift.role}:${shift.position}`;
    const held = bySlot.get(key);
    // A one-off override beats the weekly pattern; among equals the shift added first stays.
    if (!held || (held.shift.repeat === 'weekly' && shift.repeat === 'once')) bySlot.set(key, { shift, ...occ });
  }
  const roleRank = (r: OnCallRole) => (r === 'on_call' ? 0 : 1);
  return [...bySlot.values()].sort((a, b) => roleRank(a.shift.role) - roleRank(b.shift.role) || a.shift.position - b.shift.position);
}

/** The intervals a shift covers between from and to (weekly: each occurrence). */
export function occurrencesBetween(shift: Shift, from: Date, to: Date, timeZone: string): { start: Date; end: Date }[] {
  if (shift.repeat === 'once') return shift.endsAt > from && shift.startsAt < to ? [{ start: shift.startsAt, end: shift.endsAt }] : [];
  const out: { start: Date; end: Date }[] = [];
  const length = shift.endsAt.getTime() - shift.startsAt.getTime();
  const firstDate = localDateOf(shift.startsAt, timeZone);
  const time = localTimeOf(shift.startsAt, timeZone);
  let date = addDays(localDateOf(from, timeZone), -Math.ceil(length / DAY_MS) - 1);
  const last = localDateOf(to, timeZone);
  for (; date <= last; date = addDays(date, 1)) {
    if (date < firstDate || !(shift.days ?? []).includes(dayKindOf(date))) continue;
    const start = instantOf(date, time, timeZone);
    const end = new Date(start.getTime() + length);
    if (end > from && start < to) out.push({ start, end });
  }
  return out;
}

/**
 * The first time two shifts of the same role and position would both hold the slot, or
 * null. A one-off shift may overlap a weekly one (that is what an override is for); two
 * one-offs, or two weekly patterns (over the coming year), may not.
 */
export function firstOverlap(a: Shift, b: Shift, timeZone: string, now: Date): Date | null {
  if (a.role !== b.role || a.position !== b.position || a.repeat !== b.repeat) return null;
  const from = new Date(Math.max(now.getTime() - DAY_MS, Math.min(a.startsAt.getTime(), b.startsAt.getTime())));
  const to = new Date(from.getTime() + 371 * DAY_MS);
  const ia = occurrencesBetween(a, from, to, timeZone);
  const ib = occurrencesBetween(b, from, to, timeZone);
  for (const x of ia) for (const y of ib) if (x.start < y.end && y.start < x.end) return new Date(Math.max(x.start.getTime(), y.start.getTime()));
  return null;
}
