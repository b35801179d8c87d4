import type { Deps } from '../../deps';
import { sha256 } from '../../platform/security/tokens';

/**
 * Per-address throttle for sign-in and second-factor attempts, on top of the per-account
 * lock-out: at most 30 failures from one address in 15 minutes. Each attempt reserves its
 * place (INCR) before the password or code is verified — a burst of concurrent requests
 * gets exactly the places that are left, never more — and a successful attempt gives its
 * place back, so only failures count and a health centre's staff behind one NAT address
 * can all sign in. The key holds a hash, not the address, under the deployment's Redis prefix.
 */
export const THROTTLE_MAX_FAILURES = 30;
export const THROTTLE_WINDOW_S = 15 * 60;

type What = 'login' | 'totp' | 'password';
const keyOf = (deps: Deps, what: What, ip: string | null | undefined) => `${deps.jobs.prefix}:throttle:${what}:${sha256(ip ?? 'unknown').slice(0, 24)}`;

/** Reserve one attempt; false: this address has no attempt left (answer 429 without verifying). */
export async function reserveAttempt(deps: Deps, what: What, ip: string | null | undefined): Promise<boolean> {
  const key = keyOf(deps, what, ip);
  try {
    const [[, n], [, ttl]] = (await deps.redis.multi().incr(key).ttl(key).exec()) as [[null, number], [null, number]];
    if (ttl < 0) await deps.redis.expire(key, THROTTLE_WINDOW_S);
    if (n > THROTTLE_MAX_FAILURES) {
      await deps.redis.decr(key); // a refused attempt is not a failure either
      return false;
    }
    return true;
  } catch {
    return true; // Redis down: the per-account lock-out in PostgreSQL still protects
  }
}

/** The attempt succeeded: give its place back. */
export async function releaseAttempt(deps: Deps, what: What, ip: string | null | undefined): Promise<void> {
  try {
    await deps.redis.decr(keyOf(deps, what, ip));
  } catch {
    /* see reserveAttempt() */
  }
}
