import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, spawnEntry, waitFor } from '../support/server-process';

const startServer = (env: Record<string, string>) => spawnEntry('src/server.ts', env);

const dataDirs: string[] = [];
afterAll(() => dataDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// Each test starts its own server (own port, DATA_DIR or database): they run at once.
describe.concurrent('npm start', () => {
  it('serves HTTP on the embedded database without Redis, says so once naming REDIS_URL, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const deadRedis = await freePort(); // nothing listens there
    const dataDir = mkdtempSync(path.join(tmpdir(), 'mimamori-start-'));
    dataDirs.push(dataDir);
    const s = startServer({ PORT: String(port), DATA_DIR: dataDir, REDIS_URL: `redis://127.0.0.1:${deadRedis}`, LOG_LEVEL: 'info' });
    try {
      const health = await waitFor(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ checks: { database: 'up', redis: 'down' }, down: ['redis'] });
      await new Promise((r) => setTimeout(r, 1500)); // several reconnect attempts
      // One line for the process: not one per connection (app + each queue worker), nor per reconnect attempt.
      const redisLines = s.output().split('\n').filter((l) => l.includes('REDIS_URL'));
      expect(redisLines).toHaveLength(1);
      expect(JSON.parse(redisLines[0]!)).toMatchObject({ level: 50, role: 'app', msg: expect.stringContaining(`REDIS_URL (redis://127.0.0.1:${deadRedis})`) });
      expect(s.output()).toContain('embedded PostgreSQL (PGlite)');
    } finally {
      s.child.kill('SIGTERM');
    }
    expect(await s.exited).toBe(0);
    expect(s.output()).toContain('"msg":"stopped"');
  }, 300_000);

  it('is ready when the database and Redis answer (PostgreSQL via DATABASE_URL, migrations applied at start)', async () => {
    const { createTestDatabase } = await import('../support/pg');
    const db = await createTestDatabase();
    const port = await freePort();
    const s = startServer({ PORT: String(port), DATABASE_URL: db.url, REDIS_URL: 'redis://127.0.0.1:6379', WORKERS: 'off' });
    try {
      await waitFor(`http://127.0.0.1:${port}/healthz`);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'up', redis: 'up' } });
      expect(ready.status).toBe(200);
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
      await db.drop();
    }
  }, 150_000);

  it('refuses to start on a bad setting and names the variable and what is expected', async () => {
    const s = startServer({ PORT: 'eighty', REDIS_URL: 'localhost' });
    expect(await s.exited).toBe(78);
    expect(s.output()).toMatch(/PORT: must be a port number/);
    expect(s.output()).toMatch(/REDIS_URL: must start with redis:\/\//);
  }, 90_000);
});
