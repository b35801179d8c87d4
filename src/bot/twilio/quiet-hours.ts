import { addDays, instantOf, localDateOf, localTimeOf } from '../../domain/time';
import { TransientSendError } from '../dispatch';

/**
 * Quiet hours (QUIET_HOURS, local "21:00-08:00"): nobody is phoned or texted in the night.
 * The window may wrap midnight. Pure: the instant and the zone come in.
 */
export function parseQuietHours(spec: string): { start: string; end: string } {
  const [start, end] = spec.split('-') as [string, string];
  return { start, end };
}

export function inQuietHours(at: Date, timeZone: string, spec: string): boolean {
  const { start, end } = parseQuietHours(spec);
  if (start === end) return false;
  const t = localTimeOf(at, timeZone);
  return start <= end ? t >= start && t < end : t >= start || t < end;
}

/** The next end of quiet hours (e.g. 08:00 local) after `at`: when calling may resume. */
export function quietHoursEnd(at: Date, timeZone: string, spec: string): Date {
  const { end } = parseQuietHours(spec);
  const today = localDateOf(at, timeZone);
  const candidate = instantOf(today, end, timeZone);
  return candidate > at ? candidate : instantOf(addDays(today, 1), end, timeZone);
}

/**
 * The send-time check every SMS and call makes (a job may run late: limiter, retries, a
 * manual "send now" at 23:00): inside quiet hours, the error to throw — its retryAfterMs
 * is the time until they end, so the job runs again at 08:00 instead of sending now.
 * Null outside quiet hours.
 */
export function quietHoursDeferral(at: Date, timeZone: string, spec: string, what: string): (TransientSendError & { until: Date }) | null {
  if (!inQuietHours(at, timeZone, spec)) return null;
  const until = quietHoursEnd(at, timeZone, spec);
  return Object.assign(new TransientSendError(`quiet hours: no ${what} until they end`, until.getTime() - at.getTime()), { until });
}
