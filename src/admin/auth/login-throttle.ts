import type { Deps } from '../../deps';
import { sha256 } from '../../platform/security/tokens';

/**
 * Per-address throttle for sign-in and second-factor attempts, on top of the per-account
 * lock-out: after 30 failures from one address in 15 minutes, that address must wait.
 * Only failures count, so a health centre's staff behind one NAT address can all sign in.
 * The key holds a hash, not the address, under the deployment's Redis prefix.
 */
export const THROTTLE_MAX_FAILURES = 30;
export const THROTTLE_WINDOW_S = 15 * 60;

const keyOf = (deps: Deps, what: string, ip: string | null | undefined) => `${deps.jobs.prefix}:throttle:${what}:${sha256(ip ?? 'unknown').slice(0, 24)}`;

export async function throttled(deps: Deps, what: 'login' | 'totp', ip: string | null | undefined): Promise<boolean> {
  try {
    return Number(await deps.redis.get(keyOf(deps, what, ip))) >= THROTTLE_MAX_FAILURES;
  } catch {
    return false; // Redis down: the per-account lock-out in PostgreSQL still protects
  }
}

export async function noteFailure(deps: Deps, what: 'login' | 'totp', ip: string | null | undefined): Promise<void> {
  const key = keyOf(deps, what, ip);
  try {
    const n = await deps.redis.incr(key);
    if (n === 1) await deps.redis.expire(key, THROTTLE_WINDOW_S);
  } catch {
    /* see throttled() */
  }
}
