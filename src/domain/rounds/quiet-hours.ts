import { sql, type SQL } from 'drizzle-orm';
import type { ChannelKind } from '../../../db/schema';

/**
 * Quiet hours (no SMS, no calls), e.g. "21:00-08:00" local time. A window whose start is
 * after its end wraps over midnight. Kept as SQL so a whole round is judged in one
 * statement, in each person's own zone (PostgreSQL's AT TIME ZONE is DST-correct).
 */
export interface QuietHours {
  start: string; // "HH:MM"
  end: string;
}

export function parseQuietHours(spec: string): QuietHours {
  const [start, end] = spec.split('-') as [string, string];
  return { start, end };
}

/** Channels whose messages ring or buzz a phone: they wait for the end of quiet hours. LINE does not. */
export const QUIET_CHANNELS: readonly ChannelKind[] = ['sms', 'voice', 'web'];

/**
 * SQL for "is `now` inside quiet hours in zone `tz`" and "when do they end" (an instant).
 * `now` may be an SQL instant read per row — a prepared round is judged at its send time
 * (`greatest(now, due_at)`), not when it was prepared.
 * `centreSpec`: the health centre's own quiet hours (jurisdictions.quiet_hours, "HH:MM-HH:MM"
 * or null); where it is null the installation's `quiet` (QUIET_HOURS) applies.
 * @example const q = quietHoursSql(sql`j.time_zone`, now, parseQuietHours('21:00-08:00'), sql`j.quiet_hours`)
 *          sql`case when ${q.inQuiet} then ${q.endsAt} else ${now} end`
 */
export function quietHoursSql(tz: SQL, now: Date | SQL, quiet: QuietHours, centreSpec?: SQL): { inQuiet: SQL; endsAt: SQL } {
  const at = now instanceof Date ? sql`${now.toISOString()}::timestamptz` : sql`(${now})`;
  const localTime = sql`(${at} at time zone ${tz})::time`;
  const localDate = sql`(${at} at time zone ${tz})::date`;
  if (centreSpec) return perCentreQuietHours(at, localTime, localDate, tz, sql`coalesce(${centreSpec}, ${`${quiet.start}-${quiet.end}`})`);
  const start = sql`${quiet.start}::time`;
  const end = sql`${quiet.end}::time`;
  if (quiet.start === quiet.end) return { inQuiet: sql`false`, endsAt: at };
  const wraps = quiet.start > quiet.end;
  const inQuiet = wraps ? sql`(${localTime} >= ${start} or ${localTime} < ${end})` : sql`(${localTime} >= ${start} and ${localTime} < ${end})`;
  // Before midnight in a wrapping window the quiet hours end tomorrow morning.
  const endDate = wraps ? sql`(case when ${localTime} >= ${start} then ${localDate} + 1 else ${localDate} end)` : localDate;
  return { inQuiet, endsAt: sql`((${endDate} + ${end}) at time zone ${tz})` };
}

/** The same judgement with the window read per row (whether it wraps is decided in SQL). */
function perCentreQuietHours(at: SQL, localTime: SQL, localDate: SQL, tz: SQL, spec: SQL): { inQuiet: SQL; endsAt: SQL } {
  const start = sql`split_part(${spec}, '-', 1)::time`;
  const end = sql`split_part(${spec}, '-', 2)::time`;
  const inQuiet = sql`(case when ${start} = ${end} then false
    when ${start} > ${end} then (${localTime} >= ${start} or ${localTime} < ${end})
    else (${localTime} >= ${start} and ${localTime} < ${end}) end)`;
  const endDate = sql`(case when ${start} > ${end} and ${localTime} >= ${start} then ${localDate} + 1 else ${localDate} end)`;
  return { inQuiet, endsAt: sql`(case when ${start} = ${end} then ${at} else ((${endDate} + ${end}) at time zone ${tz}) end)` };
}

/** SQL: does this channel respect quiet hours. */
export function quietChannelSql(channel: SQL): SQL {
  return sql`${channel} in ('sms', 'voice', 'web')`;
}
