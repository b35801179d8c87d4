import { z } from 'zod';

/** A date a form may leave empty ('' → null, clearing it) and an API may leave out. */
export const clearableDate = z.preprocess((v) => (v === '' ? null : v), z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }).nullable().optional());

/** Of a parsed PATCH body, only the fields the caller actually sent (zod fills in the rest). */
export function sentFields<T extends object>(parsed: T, raw: unknown): Partial<T> {
  const keys = typeof raw === 'object' && raw !== null ? Object.keys(raw) : [];
  return Object.fromEntries(Object.entries(parsed).filter(([k]) => keys.includes(k))) as Partial<T>;
}
