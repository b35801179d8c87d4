import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger';

/**
 * A Redis connection that never blocks start-up: it reconnects forever and logs one clear
 * line when Redis is unreachable (and one when it is back), naming REDIS_URL.
 * `forWorkers` sets maxRetriesPerRequest: null, which BullMQ's blocking connections need.
 */
export function createRedis(url: string, logger: Logger, opts: { forWorkers?: boolean; role?: string } = {}): Redis {
  const options: RedisOptions = {
    maxRetriesPerRequest: opts.forWorkers ? null : 1,
    enableOfflineQueue: opts.forWorkers ? true : false,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  };
  const redis = new Redis(url, options);
  let down = false;
  redis.on('error', (err: Error & { code?: string }) => {
    if (down) return;
    down = true;
    logger.error({ role: opts.role ?? 'app', code: err.code }, `Redis is unreachable at REDIS_URL (${redactUrl(url)}); HTTP keeps serving, queued work resumes when Redis is back`);
  });
  redis.on('ready', () => {
    if (down) logger.info({ role: opts.role ?? 'app' }, 'Redis is reachable again');
    down = false;
  });
  return redis;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** PING with a deadline, for /readyz. */
export async function redisReachable(redis: Redis, timeoutMs = 1000): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  try {
    const pong = await Promise.race([redis.ping(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs))]);
    return pong === 'PONG';
  } catch {
    return false;
  }
}
