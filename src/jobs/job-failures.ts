import type { BackoffOptions, BackoffStrategy } from 'bullmq';
import { scrubQueryParams } from '../platform/logger';

/** The backoff type of every Mimamori job (BullMQ calls retryAfterBackoff for it). */
export const RETRY_AFTER_BACKOFF = 'retry-after';

// A wait longer than a day is a bad header, not a plan; quiet hours are at most ~13 h.
const MAX_WAIT_MS = 24 * 3600_000;

/**
 * Exponential backoff (delay · 2^(attempt-1)) that honours what the provider asked for: an
 * error carrying `retryAfterMs` — LINE's Retry-After beyond what the client waits in-process,
 * the voice dispatcher's "not before quiet hours end" — delays the retry at least that long,
 * instead of retrying a second later and burning the job's attempts.
 */
export const retryAfterBackoff: BackoffStrategy = (attemptsMade, _type, err, job) => {
  const backoff = job?.opts.backoff as number | BackoffOptions | undefined;
  const base = (typeof backoff === 'number' ? backoff : backoff?.delay) ?? 1000;
  const exponential = base * 2 ** Math.max(0, attemptsMade - 1);
  return Math.min(MAX_WAIT_MS, Math.max(exponential, requestedWaitMs(err) ?? 0));
};

/** The wait a send error asked for (TransientSendError, LineSendError), if any. */
export function requestedWaitMs(err: unknown): number | undefined {
  const ms = (err as { retryAfterMs?: unknown } | null | undefined)?.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

// Defence in depth for what is not a query: E.164 numbers and LINE user ids.
const E164 = /\+\d{8,15}\b/g;
const LINE_USER_ID = /\bU[0-9a-f]{32}\b/g;

function scrubText(text: string): string {
  return (scrubQueryParams(text) as string).replace(E164, '[redacted phone]').replace(LINE_USER_ID, '[redacted LINE id]');
}

/**
 * The error as BullMQ may store it: its message and stack become the job's failedReason
 * and stacktrace in Redis (and on Bull Board), so a failed query's parameters — a patient's
 * answer, phone number or LINE user id (drizzle puts them in the message) — are removed
 * first. The same object is returned, so its class (UnrecoverableError) and fields
 * (retryAfterMs) still steer the retry.
 */
export function scrubJobError(err: unknown): Error {
  if (!(err instanceof Error)) return new Error(scrubText(String(err)));
  try {
    err.message = scrubText(err.message);
    if (typeof err.stack === 'string') err.stack = scrubText(err.stack);
  } catch {
    return new Error(`${err.name}: ${scrubText(err.message)}`);
  }
  return err;
}
