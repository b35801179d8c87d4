import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_STAFF } from '../../db/seed/demo-data';
import { freePort, spawnEntry, waitFor } from '../support/server-process';

const dataDir = mkdtempSync(path.join(tmpdir(), 'mimamori-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the CLI while npm start holds the embedded database', () => {
  it('runs seed-demo and create-token inside the server, which then sees the seeded staff', async () => {
    const port = await freePort();
    const settings = { DATA_DIR: dataDir, REDIS_URL: 'redis://127.0.0.1:6379', WORKERS: 'off' };
    const server = spawnEntry('src/server.ts', { ...settings, PORT: String(port) });
    try {
      await waitFor(`http://127.0.0.1:${port}/healthz`);
      const seed = spawnEntry('src/cli.ts', settings, ['seed-demo']);
      expect(await seed.exited, seed.output()).toBe(0);
      expect(seed.output()).toMatch(/seed-demo: \d+ staff users and \d+ persons created/);

      const nurse = DEMO_STAFF.find((s) => s.role === 'nurse')!;
      const tokenRun = spawnEntry('src/cli.ts', settings, ['create-token', '--email', nurse.email]);
      expect(await tokenRun.exited, tokenRun.output()).toBe(0);
      const token = tokenRun.output().trim().split('\n').pop()!;
      expect(token).toMatch(/^mmr_/);

      const alerts = await fetch(`http://127.0.0.1:${port}/api/v1/alerts?status=open`, { headers: { authorization: `Bearer ${token}` } });
      expect(alerts.status).toBe(200);

      const bad = spawnEntry('src/cli.ts', settings, ['create-token', '--email', 'nobody@example.jp']);
      expect(await bad.exited).toBe(1);
      expect(bad.output()).toMatch(/staff_user not found/);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 240_000);
});
