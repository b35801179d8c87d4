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
 * @example const q = quietHoursSql(sql`j.time_zone`, now, parseQuietHours('21:00-08:00'))
 *          sql`case when ${q.inQuiet} then ${q.endsAt} else ${now} end`
 */
export function quietHoursSql(tz: SQL, now: Date, quiet: QuietHours): { inQuiet: SQL; endsAt: SQL } {
  const at = sql`${now.toISOString()}::timestamptz`;
  const localTime = sql`(${at} at time zone ${tz})::time`;
  const localDate = sql`(${at} at time zone ${tz})::date`;
  const start = sql`${quiet.start}::time`;
  const end = sql`${quiet.end}::time`;
  if (quiet.start === quiet.end) return { inQuiet: sql`false`, endsAt: at };
  const wraps = quiet.start > quiet.end;
  const inQuiet = wraps ? sql`(${localTime} >= ${start} or ${localTime} < ${end})` : sql`(${localTime} >= ${start} and ${localTime} < ${end})`;
  // Before midnight in a wrapping window the quiet hours end tomorrow morning.
  const endDate = wraps ? sql`(case when ${localTime} >= ${start} then ${localDate} + 1 else ${localDate} end)` : localDate;
  return { inQuiet, endsAt: sql`((${endDate} + ${end}) at time zone ${tz})` };
}

/** SQL: does this channel respect quiet hours. */
export function quietChannelSql(channel: SQL): SQL {
  return sql`${channel} in ('sms', 'voice', 'web')`;
}
