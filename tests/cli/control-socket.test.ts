import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_STAFF } from '../../db/seed/demo-data';
import { migratedDataDir } from '../support/run-artefacts';
import { freePort, spawnEntry, waitFor } from '../support/server-process';

// A database as a first start leaves it (startup.test.ts starts on an empty DATA_DIR).
const dataDir = await migratedDataDir('mimamori-cli-');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Sign in through the login form; where it sends the browser next. */
async function signInStatus(port: number, email: string, password: string): Promise<string | null> {
  const form = await fetch(`http://127.0.0.1:${port}/admin/login`);
  const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await fetch(`http://127.0.0.1:${port}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ _csrf: csrf, email, password }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
  });
  return res.headers.get('location');
}

describe('the CLI while npm start holds the embedded database', () => {
  it('runs seed-demo, create-staff and create-token inside the server, which then sees the seeded staff', async () => {
    const port = await freePort();
    const settings = { DATA_DIR: dataDir, REDIS_URL: 'redis://127.0.0.1:6379', WORKERS: 'off' };
    const server = spawnEntry('src/server.ts', { ...settings, PORT: String(port) });
    try {
      await waitFor(`http://127.0.0.1:${port}/healthz`);
      const seed = spawnEntry('src/cli.ts', settings, ['seed-demo']);
      expect(await seed.exited, seed.output()).toBe(0);
      expect(seed.output()).toMatch(/seed-demo: \d+ staff users and \d+ persons created/);

      // Three commands at once over the socket: a token for a seeded nurse, a new staff user, a token for nobody.
      const nurse = DEMO_STAFF.find((s) => s.role === 'nurse')!;
      const tokenRun = spawnEntry('src/cli.ts', settings, ['create-token', '--email', nurse.email]);
      // The password is read by the CLI process (here from stdin) and handed over with the command.
      const staff = spawnEntry('src/cli.ts', settings, ['create-staff', '--email', 'socket@example.jp', '--name', '管理 一郎', '--role', 'national_officer', '--jurisdiction', 'JP'], { stdin: 'a socket pass phrase\n' });
      const bad = spawnEntry('src/cli.ts', settings, ['create-token', '--email', 'nobody@example.jp']);
      expect(await tokenRun.exited, tokenRun.output()).toBe(0);
      const token = tokenRun.output().trim().split('\n').pop()!;
      expect(token).toMatch(/^mmr_/);

      const alerts = await fetch(`http://127.0.0.1:${port}/api/v1/alerts?status=open`, { headers: { authorization: `Bearer ${token}` } });
      expect(alerts.status).toBe(200);

      expect(await staff.exited, staff.output()).toBe(0);
      expect(staff.output()).toMatch(/created staff user [0-9a-f-]{36}/);
      const login = await signInStatus(port, 'socket@example.jp', 'a socket pass phrase');
      expect(login).toBe('/admin/login/totp'); // password accepted; a national officer then enrols TOTP

      expect(await bad.exited).toBe(1);
      expect(bad.output()).toMatch(/staff_user not found/);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 400_000);
});
