import { Redis } from 'ioredis';
import { queuePrefix } from '../../src/config/queue-prefix';
import { bullPrefix } from '../../src/jobs/queue-keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/pg';
import { startRedisInstance, type RedisInstance } from '../support/redis-instance';
import { freePort, spawnEntry, waitFor, type Spawned } from '../support/server-process';

/**
 * `npm start` must register the one tick scheduler by itself: without it no round,
 * reminder, sweep or end of monitoring ever runs. The real server process, a private
 * redis-server (so the shared Redis is never stopped) and a fresh database.
 */
let db: TestDatabase;
let redis: RedisInstance;
beforeAll(async () => {
  db = await createTestDatabase();
  redis = await startRedisInstance();
});
afterAll(async () => {
  await redis?.close();
  await db?.drop();
});

const startServer = async () => {
  const port = await freePort();
  const s = spawnEntry('src/server.ts', { PORT: String(port), DATABASE_URL: db.url, REDIS_URL: redis.url, TICK_EVERY_MS: '1000', LOG_LEVEL: 'info' });
  return { s, port };
};

/** Poll until the server logged a finished tick (the tick job ran on its worker). */
async function tickRan(s: Spawned, timeoutMs = 60_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (s.output().includes('"msg":"tick"')) return true;
    if (s.child.exitCode !== null) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

async function schedulerKey(): Promise<number> {
  const c = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  try {
    return await c.zcard(`${bullPrefix(queuePrefix({ DATABASE_URL: db.url, DATA_DIR: '.data' }), 'scheduler')}:scheduler:repeat`);
  } finally {
    c.disconnect();
  }
}

async function stop(s: Spawned) {
  s.child.kill('SIGTERM');
  await s.exited;
}

describe('the tick scheduler on npm start', () => {
  it('is registered and ticks when Redis is up at start, without a misleading warning', async () => {
    await redis.flushAll();
    const { s, port } = await startServer();
    try {
      await waitFor(`http://127.0.0.1:${port}/healthz`);
      expect(await tickRan(s), s.output().slice(-3000)).toBe(true);
      expect(await schedulerKey()).toBe(1);
      expect(s.output()).not.toContain('could not register the tick scheduler');
    } finally {
      await stop(s);
    }
  }, 150_000);

  it('is registered and ticks once Redis comes up after the server started', async () => {
    await redis.stop();
    const { s, port } = await startServer();
    try {
      await waitFor(`http://127.0.0.1:${port}/healthz`);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503);
      await redis.start();
      expect(await tickRan(s), s.output().slice(-3000)).toBe(true);
      expect(await schedulerKey()).toBe(1);
    } finally {
      await stop(s);
    }
  }, 150_000);
});
