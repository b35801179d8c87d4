import type { RedisClient } from './redis';

/** A send limit shared by every process through Redis: at most `max` acquisitions per `durationMs`. */
export interface RateLimiter {
  /** Resolves when one more send is allowed (waits for the next window when this one is full). */
  acquire(): Promise<void>;
}

// One fixed window per key, as BullMQ's own limiter: INCR, the first one sets the expiry;
// over the limit, answer how long until the window ends — never 0 (a PTTL of 0 is a window
// in its last millisecond, still full: answering 0 let an over-limit send through).
const SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n <= tonumber(ARGV[1]) then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); return tonumber(ARGV[2]) end
if ttl < 1 then return 1 end
return ttl`;

type WithLimitCommand = RedisClient & { mimamoriRateLimit(key: string, max: number, durationMs: number): Promise<number> };

/**
 * A limiter for sends that do not have a BullMQ queue of their own (LINE pushes happen in
 * inbound, reminder and notice jobs): every process using the same Redis and key shares
 * the limit. When Redis cannot answer, the send goes ahead: the provider's own 429 (and the
 * job's retry) is the fallback, and a send is never held hostage by the limiter.
 * @example const limit = createRateLimiter(redis, 'mimamori:limit:line-push', { max: 1500, durationMs: 1000 }); await limit.acquire();
 */
export function createRateLimiter(redis: RedisClient, key: string, opts: { max: number; durationMs: number; sleep?: (ms: number) => Promise<void> }): RateLimiter {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return {
    async acquire() {
      for (;;) {
        const waitMs = await windowWait(redis, key, opts.max, opts.durationMs);
        if (waitMs <= 0) return;
        await sleep(waitMs);
      }
    },
  };
}

/**
 * Count one request in the fixed window `key` (at most `max` per `durationMs`): 0 when it is
 * allowed, else the milliseconds until the window ends. Redis unreachable → 0 (allowed): a
 * limit never takes the service down with it.
 * @example if ((await windowWait(redis, 'p:limit:oauth:1.2.3.4', 120, 60_000)) > 0) refuse();
 */
export async function windowWait(redis: RedisClient, key: string, max: number, durationMs: number): Promise<number> {
  const client = redis as WithLimitCommand;
  if (typeof client.mimamoriRateLimit !== 'function') redis.defineCommand('mimamoriRateLimit', { numberOfKeys: 1, lua: SCRIPT });
  if (redis.status !== 'ready') return 0;
  try {
    return Math.max(0, await client.mimamoriRateLimit(key, max, durationMs));
  } catch {
    return 0;
  }
}
