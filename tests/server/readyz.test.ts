import { describe, expect, it } from 'vitest';
import { startPgProxy } from '../faults/support/pg-proxy';
import { REDIS_URL } from '../support/deps';
import { createTestDatabase } from '../support/pg';
import { freePort, spawnEntry, waitFor } from '../support/server-process';

describe('GET /readyz', () => {
  it('answers 503 naming the database while PostgreSQL is unreachable, and 200 again when it is back', async () => {
    const db = await createTestDatabase();
    const proxy = await startPgProxy();
    const port = await freePort();
    const s = spawnEntry('src/server.ts', { PORT: String(port), DATABASE_URL: proxy.urlFor(db.url), REDIS_URL, WORKERS: 'off' });
    const readyz = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      return { status: res.status, body: (await res.json()) as unknown };
    };
    try {
      await waitFor(`http://127.0.0.1:${port}/healthz`);
      expect(await readyz()).toMatchObject({ status: 200, body: { status: 'ready', down: [] } });

      await proxy.down();
      expect(await readyz()).toEqual({ status: 503, body: { status: 'unavailable', checks: { database: 'down', redis: 'up' }, down: ['database'] } });
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200); // the process is still up

      await proxy.up();
      expect(await readyz()).toMatchObject({ status: 200, body: { checks: { database: 'up', redis: 'up' } } });
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
      await proxy.close();
      await db.drop();
    }
  }, 150_000);
});
