import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { jurisdictions, staffUsers } from '../../db/schema';
import { closeDeps, createDeps } from '../../src/boot';
import { parseEnv } from '../../src/config/env';
import type { Deps } from '../../src/deps';
import { systemActor, withTransaction } from '../../src/domain/context';
import { ensureFirstAdmin } from '../../src/domain/staff/ensure-admin';
import { createLogger } from '../../src/platform/logger';
import { verifyPassword } from '../../src/platform/security/passwords';
import { makeStaff } from '../admin/support';
import { LogCapture, REDIS_URL } from '../support/deps';
import { createTestDatabase, type TestDatabase } from '../support/pg';
import { freePort, spawnEntry } from '../support/server-process';

const ADMIN = { ADMIN_EMAIL: 'Chief@Mimamori.example.jp', ADMIN_PASSWORD: 'a long admin passphrase' };

const opened: TestDatabase[] = [];
afterEach(async () => {
  for (const d of opened.splice(0)) await d.drop();
});

async function freshDatabase(): Promise<TestDatabase> {
  const d = await createTestDatabase();
  opened.push(d);
  return d;
}

/** What `npm start` does before serving: createDeps with these settings. */
async function start(databaseUrl: string, settings: Record<string, string>) {
  const logs = new LogCapture();
  const env = parseEnv({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, REDIS_URL, LOG_LEVEL: 'info', ...settings });
  const deps = await createDeps(env, { logger: createLogger({ level: 'info', destination: logs }), queuePrefix: `mmt-${randomBytes(4).toString('hex')}` });
  await closeDeps(deps);
  return logs;
}

const staffRows = (d: TestDatabase) => d.handle.db.select({ email: staffUsers.email, role: staffUsers.role, jurisdictionId: staffUsers.jurisdictionId, passwordHash: staffUsers.passwordHash }).from(staffUsers);

describe('ADMIN_EMAIL + ADMIN_PASSWORD', () => {
  it('create a national administrator on first start, when no staff user exists', async () => {
    const d = await freshDatabase();
    const logs = await start(d.url, ADMIN);
    const rows = await staffRows(d);
    const [nation] = await d.handle.db.select({ id: jurisdictions.id }).from(jurisdictions).where(eq(jurisdictions.kind, 'nation'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: 'chief@mimamori.example.jp', role: 'national_officer', jurisdictionId: nation!.id });
    expect(await verifyPassword(rows[0]!.passwordHash, ADMIN.ADMIN_PASSWORD)).toBe(true);
    expect(logs.text).toContain('created the first national administrator');
    expect(logs.text).not.toContain(ADMIN.ADMIN_PASSWORD);

    // The next start finds the administrator and creates nothing.
    const again = await start(d.url, ADMIN);
    expect(await staffRows(d)).toHaveLength(1);
    expect(again.text).not.toContain('created the first national administrator');
  });

  it('create nothing when a staff user already exists', async () => {
    const d = await freshDatabase();
    await makeStaff({ db: d.handle.db, now: () => new Date() } as Deps, { email: 'someone@mimamori.example.jp', role: 'national_officer', jurisdictionCode: 'JP' });
    await start(d.url, ADMIN);
    expect((await staffRows(d)).map((r) => r.email)).toEqual(['someone@mimamori.example.jp']);
  });

  it('create exactly one administrator when several processes start at once, and none of them fails', async () => {
    const d = await freshDatabase();
    // Separate connections (the pool has 5), each counting before any has committed.
    const results = await Promise.all(
      [1, 2, 3].map(() => withTransaction(d.handle.db, { actor: systemActor('bootstrap'), now: new Date() }, (ctx) => ensureFirstAdmin(ctx, ADMIN.ADMIN_EMAIL, ADMIN.ADMIN_PASSWORD))),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const [count] = await queryRows<{ n: number }>(d.handle.db, sql`select count(*)::int as n from staff_users`);
    expect(count!.n).toBe(1);
  });

  it('stop start-up with a clear message naming ADMIN_PASSWORD when the password is refused', async () => {
    const d = await freshDatabase();
    const common = spawnEntry('src/server.ts', { PORT: String(await freePort()), DATABASE_URL: d.url, WORKERS: 'off', ADMIN_EMAIL: ADMIN.ADMIN_EMAIL, ADMIN_PASSWORD: 'password1234' });
    expect(await common.exited).toBe(78);
    expect(common.output()).toMatch(/ADMIN_PASSWORD: is too common \(found in breached-password lists\); choose another/);
    expect(common.output()).toMatch(/Mimamori did not start/);
    expect(common.output()).not.toMatch(/\n\s+at /); // a message, not a stack trace

    const short = spawnEntry('src/server.ts', { PORT: String(await freePort()), DATABASE_URL: d.url, ADMIN_EMAIL: ADMIN.ADMIN_EMAIL, ADMIN_PASSWORD: 'short' });
    expect(await short.exited).toBe(78);
    expect(short.output()).toMatch(/ADMIN_PASSWORD: must be at least 12 characters/);
    expect(await staffRows(d)).toEqual([]);
  }, 120_000);
});
