import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { afterAll, describe, expect, it } from 'vitest';
import { staffUsers } from '../../db/schema';
import { closeDeps, createDeps } from '../../src/boot';
import { parseEnv } from '../../src/config/env';
import { consoleSecurityHeaders } from '../../src/admin/security-headers';
import { createLogger } from '../../src/platform/logger';
import { isSealed, openSecret } from '../../src/platform/security/secret-box';
import { totpKey } from '../../src/domain/staff/totp';
import { Hono } from 'hono';
import { makeStaff } from '../admin/support';
import { LogCapture, REDIS_URL } from '../support/deps';
import { createTestDatabase } from '../support/pg';

/** Issue 19 (9): no public constant secret, TOTP secrets encrypted at rest, a strict CSP. */
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(databaseUrl: string, dataDir: string, extra: Record<string, string> = {}) {
  const logs = new LogCapture();
  const env = parseEnv({ NODE_ENV: 'development', DATABASE_URL: databaseUrl, REDIS_URL, DATA_DIR: dataDir, LOG_LEVEL: 'info', ...extra });
  const deps = await createDeps(env, { logger: createLogger({ level: 'info', destination: logs }), queuePrefix: `mmt-${randomBytes(4).toString('hex')}` });
  return { deps, logs, env };
}

describe('APP_SECRET when unset', () => {
  it('the first start generates a random secret in DATA_DIR (0600) and says so; the next start reuses it', async () => {
    const db = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'mmr-secret-'));
    dirs.push(dataDir);
    try {
      const first = await start(db.url, dataDir);
      await closeDeps(first.deps);
      const file = join(dataDir, 'app-secret');
      const saved = readFileSync(file, 'utf8').trim();
      expect(saved.length).toBeGreaterThanOrEqual(32);
      expect(first.env.APP_SECRET).toBe(saved);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(first.logs.text).toContain('generated a random secret and saved it in');
      const second = await start(db.url, dataDir);
      await closeDeps(second.deps);
      expect(second.env.APP_SECRET).toBe(saved);
      expect(second.logs.text).toContain('using the secret saved in');
      // Another installation gets another secret: nothing public to forge links with.
      const otherDir = mkdtempSync(join(tmpdir(), 'mmr-secret-'));
      dirs.push(otherDir);
      const other = await start(db.url, otherDir);
      await closeDeps(other.deps);
      expect(other.env.APP_SECRET).not.toBe(saved);
    } finally {
      await db.drop();
    }
  }, 120_000);
});

describe('TOTP secrets at rest', () => {
  it('are stored encrypted, and rows from before are encrypted at start-up; codes still verify', async () => {
    const db = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'mmr-totp-'));
    dirs.push(dataDir);
    const key = { TOTP_ENCRYPTION_KEY: 'k'.repeat(40) };
    try {
      const { deps } = await start(db.url, dataDir, key);
      const plain = new Secret({ size: 20 }).base32;
      await makeStaff(deps, { email: 'legacy@a.jp', role: 'prefecture_officer', jurisdictionCode: '13' });
      // A row as an older version stored it: the base32 secret itself.
      await deps.db.update(staffUsers).set({ totpSecret: plain, totpLastStep: 1 }).where(eq(staffUsers.email, 'legacy@a.jp'));
      await closeDeps(deps);
      const again = await start(db.url, dataDir, key);
      const [row] = await again.deps.db.select({ s: staffUsers.totpSecret }).from(staffUsers).where(eq(staffUsers.email, 'legacy@a.jp'));
      expect(isSealed(row!.s!)).toBe(true);
      expect(row!.s).not.toContain(plain);
      expect(openSecret(row!.s!, totpKey(again.env))).toBe(plain);
      expect(again.logs.text).toContain('encrypted 1 stored TOTP secret');
      // The wrong key cannot read it.
      expect(() => openSecret(row!.s!, totpKey({ TOTP_ENCRYPTION_KEY: 'z'.repeat(40), APP_SECRET: undefined }))).toThrow();
      expect(new TOTP({ secret: Secret.fromBase32(openSecret(row!.s!, totpKey(again.env))) }).generate()).toMatch(/^\d{6}$/);
      await closeDeps(again.deps);
    } finally {
      await db.drop();
    }
  }, 120_000);
});

describe('console CSP', () => {
  it("has no 'unsafe-inline' anywhere, styles included", async () => {
    const app = new Hono();
    app.use('*', consoleSecurityHeaders());
    app.get('/', (c) => c.text('ok'));
    const csp = (await app.request('/')).headers.get('content-security-policy')!;
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });
});
