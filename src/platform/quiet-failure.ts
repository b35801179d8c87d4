/**
 * A job failure everyone already knows about (a provider that is not configured, said once
 * at start): the job runner logs it at debug instead of warning on every job.
 */
const QUIET = Symbol.for('mimamori.quiet-failure');

export function markQuiet<E extends Error>(err: E): E {
  (err as unknown as Record<symbol, boolean>)[QUIET] = true;
  return err;
}

export function isQuiet(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[QUIET] === true;
}
