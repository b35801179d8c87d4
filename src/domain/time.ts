import { formatInTimeZone, fromZonedTime } from 'date-fns-tz';

/** The person's local calendar date (YYYY-MM-DD) at an instant, in their jurisdiction's zone. */
export function localDateOf(at: Date, timeZone: string): string {
  return formatInTimeZone(at, timeZone, 'yyyy-MM-dd');
}

/** Local "HH:MM" at an instant. */
export function localTimeOf(at: Date, timeZone: string): string {
  return formatInTimeZone(at, timeZone, 'HH:mm');
}

/** The instant of a local date and time ("2026-03-08", "09:00") in a zone, DST-aware. */
export function instantOf(localDate: string, localTime: string, timeZone: string): Date {
  return fromZonedTime(`${localDate}T${localTime}:00`, timeZone);
}

/** Whole years between a date of birth and a local date. */
export function ageOn(dateOfBirth: string, localDate: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = localDate.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Days from a to b (both YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

export function addDays(localDate: string, days: number): string {
  const t = Date.parse(`${localDate}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}
