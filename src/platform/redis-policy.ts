import type { RedisClient } from './redis';
import type { Logger } from './logger';

export interface RedisPolicyReport {
  evictionPolicy: string | null;
  persistence: boolean | null;
  problems: string[];
}

/**
 * BullMQ loses jobs if Redis evicts keys or forgets them on restart: production Redis needs
 * `maxmemory-policy noeviction` and persistence (AOF or RDB). Checked once at start; a
 * problem is a clear warning, not a refusal (PostgreSQL holds the truth and the sweeper
 * rebuilds lost work).
 */
export async function checkRedisPolicy(redis: RedisClient): Promise<RedisPolicyReport> {
  const problems: string[] = [];
  let evictionPolicy: string | null = null;
  let persistence: boolean | null = null;
  try {
    const policy = (await redis.config('GET', 'maxmemory-policy')) as string[];
    evictionPolicy = policy[1] ?? null;
    const aof = (await redis.config('GET', 'appendonly')) as string[];
    const save = (await redis.config('GET', 'save')) as string[];
    persistence = aof[1] === 'yes' || Boolean(save[1]?.trim());
  } catch {
    // Managed Redis services often refuse CONFIG: nothing to report then.
    return { evictionPolicy, persistence, problems };
  }
  if (evictionPolicy && evictionPolicy !== 'noeviction') {
    problems.push(`Redis maxmemory-policy is "${evictionPolicy}": queued jobs may be evicted under memory pressure; set maxmemory-policy noeviction`);
  }
  if (persistence === false) problems.push('Redis keeps nothing on disk (no AOF, no RDB save): queued jobs are lost on a Redis restart until the sweeper rebuilds them; enable appendonly yes');
  return { evictionPolicy, persistence, problems };
}

/** Run the check when Redis becomes ready, and log each problem once (warn in production). */
export function warnOnRedisPolicy(redis: RedisClient, logger: Logger, production: boolean): void {
  const run = () =>
    void checkRedisPolicy(redis).then((report) => {
      for (const p of report.problems) (production ? logger.warn.bind(logger) : logger.info.bind(logger))({ redis: 'policy' }, p);
    });
  if (redis.status === 'ready') run();
  else redis.once('ready', run);
}
