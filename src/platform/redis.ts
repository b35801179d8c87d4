import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { parseRedisUrl, redactRedisUrl, type RedisTarget } from './redis-target';
import type { Logger } from './logger';

/** A connection to one Redis (or through Sentinel to its master) or to a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * The one Redis factory: REDIS_URL (parsed by platform/redis-target.ts) and the connection's
 * own options → an ioredis client. A cluster gets the same options on each node; commands
 * are routed by slot (the queue keys carry a hash tag, see jobs/queue-keys.ts).
 */
export function connectRedis(url: string, options: RedisOptions & { lazyConnect?: boolean } = {}): RedisClient {
  const target: RedisTarget = parseRedisUrl(url);
  const tls = target.tls ? {} : undefined;
  switch (target.kind) {
    case 'single':
      return new Redis(target.url, options);
    case 'sentinel':
      return new Redis({ ...options, sentinels: target.sentinels, name: target.name, db: target.db, username: target.username, password: target.password, sentinelPassword: target.sentinelPassword, tls, enableTLSForSentinelMode: target.tls });
    case 'cluster': {
      const { enableOfflineQueue, lazyConnect, retryStrategy, ...perNode } = options;
      const clusterOptions: ClusterOptions = {
        redisOptions: { ...perNode, username: target.username, password: target.password, tls },
        ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
        ...(lazyConnect === undefined ? {} : { lazyConnect }),
        clusterRetryStrategy: retryStrategy ? (times) => retryStrategy(times) ?? null : undefined,
        // TLS certificates name the host the client was given, not the address a node announces.
        ...(target.tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
      };
      return new Cluster(target.nodes, clusterOptions);
    }
  }
}

/**
 * A Redis connection that never blocks start-up: it reconnects forever and logs one clear
 * line when Redis is unreachable (and one when it is back), naming REDIS_URL.
 * `forWorkers` sets maxRetriesPerRequest: null, which BullMQ's blocking connections need.
 *
 * Only the app connection (role 'app', the default) says so at error/info level: every
 * process has one, and its workers' connections to the same URL see the same outage, so
 * they log it at debug. A process therefore logs an outage once, not once per queue.
 */
export function createRedis(url: string, logger: Logger, opts: { forWorkers?: boolean; role?: string } = {}): RedisClient {
  const options: RedisOptions = {
    maxRetriesPerRequest: opts.forWorkers ? null : 1,
    enableOfflineQueue: opts.forWorkers ? true : false,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  };
  const redis = connectRedis(url, options);
  const role = opts.role ?? 'app';
  const speaksForProcess = role === 'app';
  let down = false;
  redis.on('error', (err: Error & { code?: string }) => {
    if (down) return;
    down = true;
    const message = `Redis is unreachable at REDIS_URL (${redactUrl(url)}); HTTP keeps serving, queued work resumes when Redis is back${localRedisHint(url)}`;
    if (speaksForProcess) logger.error({ role, code: err.code }, message);
    else logger.debug({ role, code: err.code }, message);
  });
  redis.on('ready', () => {
    if (down) (speaksForProcess ? logger.info.bind(logger) : logger.debug.bind(logger))({ role }, 'Redis is reachable again');
    down = false;
  });
  return redis;
}

/** A Redis meant to run on this machine: name the command that installs and starts it. */
export function localRedisHint(url: string): string {
  return /^rediss?:\/\/(?:[^@/]*@)?(localhost|127\.[\d.]+|\[::1\])(?::|\/|$)/.test(url) ? '. To install and start Redis (and PostgreSQL) on this machine: npm run services' : '';
}

export function redactUrl(url: string): string {
  return redactRedisUrl(url);
}

/** PING with a deadline, for /readyz. */
export async function redisReachable(redis: RedisClient, timeoutMs = 1000): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  try {
    const pong = await Promise.race([redis.ping(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs))]);
    return pong === 'PONG';
  } catch {
    return false;
  }
}
