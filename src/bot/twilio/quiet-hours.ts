import { addDays, instantOf, localDateOf, localTimeOf } from '../../domain/time';

/**
 * Quiet hours (QUIET_HOURS, local "21:00-08:00"): nobody is phoned in the night. The window
 * may wrap midnight. Pure: the instant and the zone come in.
 */
export function parseQuietHours(spec: string): { start: string; end: string } {
  const [start, end] = spec.split('-') as [string, string];
  return { start, end };
}

export function inQuietHours(at: Date, timeZone: string, spec: string): boolean {
  const { start, end } = parseQuietHours(spec);
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
