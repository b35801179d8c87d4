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
  const client = redis as WithLimitCommand;
  if (typeof client.mimamoriRateLimit !== 'function') redis.defineCommand('mimamoriRateLimit', { numberOfKeys: 1, lua: SCRIPT });
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return {
    async acquire() {
      for (;;) {
        if (redis.status !== 'ready') return;
        let waitMs: number;
        try {
          waitMs = await client.mimamoriRateLimit(key, opts.max, opts.durationMs);
        } catch {
          return;
        }
        if (waitMs <= 0) return;
        await sleep(waitMs);
      }
    },
  };
}
