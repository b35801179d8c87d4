import type { Redis } from 'ioredis';
import { sha256 } from '../../platform/security/tokens';

/**
 * Per-address throttle for sign-in and second-factor attempts, on top of the per-account
 * lock-out: 30 attempts per 15 minutes from one address. The key holds a hash, not the IP.
 */
export const THROTTLE_MAX = 30;
export const THROTTLE_WINDOW_S = 15 * 60;

export async function throttled(redis: Redis, what: 'login' | 'totp', ip: string | null | undefined): Promise<boolean> {
  const key = `mimamori:throttle:${what}:${sha256(ip ?? 'unknown').slice(0, 24)}`;
  try {
    const n = await redis.incr(key);
    if (n === 1) await redis.expire(key, THROTTLE_WINDOW_S);
    return n > THROTTLE_MAX;
  } catch {
    return false; // Redis down: the per-account lock-out in Postgres still protects
  }
}
