import { Hono } from 'hono';
import { ping } from '../../../db/client';
import type { Deps } from '../../deps';
import { redisReachable } from '../redis';

async function databaseReachable(deps: Pick<Deps, 'db'>, timeoutMs = 2000): Promise<boolean> {
  try {
    await Promise.race([ping(deps.db), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs))]);
    return true;
  } catch {
    return false;
  }
}

/** GET /healthz: the process is up. GET /readyz: PostgreSQL and Redis answer, else 503 naming which. */
export function createHealthRoutes(deps: Pick<Deps, 'db' | 'redis'>) {
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      const [database, redis] = await Promise.all([databaseReachable(deps), redisReachable(deps.redis)]);
      const checks = { database: database ? 'up' : 'down', redis: redis ? 'up' : 'down' } as const;
      const down = Object.entries(checks)
        .filter(([, v]) => v === 'down')
        .map(([k]) => k);
      return c.json({ status: down.length ? 'unavailable' : 'ready', checks, down }, down.length ? 503 : 200);
    });
}
