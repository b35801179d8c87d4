import { Hono } from 'hono';
import { redisReachable, type RedisClient } from '../redis';

/** What /readyz asks: a round trip to PostgreSQL (db/client.ts `ping`, passed in by src/app.ts) and Redis. */
export interface HealthDeps {
  pingDatabase: () => Promise<unknown>;
  redis: RedisClient;
}

async function databaseReachable(deps: HealthDeps, timeoutMs = 2000): Promise<boolean> {
  try {
    await Promise.race([deps.pingDatabase(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs))]);
    return true;
  } catch {
    return false;
  }
}

/** GET /healthz: the process is up. GET /readyz: PostgreSQL and Redis answer, else 503 naming which. */
export function createHealthRoutes(deps: HealthDeps) {
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
