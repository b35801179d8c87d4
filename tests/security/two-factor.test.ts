import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { ConfigError, parseEnv } from '../../src/config/env';
import { createTestDeps, type TestDeps } from '../support/deps';
import { Client, ensureCentre, makeStaff } from '../admin/support';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let clock = new Date('2026-06-03T00:00:00Z');

beforeAll(async () => {
  // The production default, not the test default ('officers').
  deps = await createTestDeps({ REQUIRE_TOTP_FOR: 'all' }, { now: () => clock });
  app = createApp(deps);
  await ensureCentre(deps, '13-981');
  await makeStaff(deps, { email: 'tf-nurse@a.jp', role: 'nurse', jurisdictionCode: '13-981' });
  await makeStaff(deps, { email: 'tf-guess@a.jp', role: 'nurse', jurisdictionCode: '13-981' });
});
afterAll(async () => {
  await deps?.close();
});

const totpPost = (c: Client, csrf: string, code: string) =>
  c.request('/admin/login/totp', { method: 'POST', body: new URLSearchParams({ _csrf: csrf, code }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

describe('two-factor sign-in required for every staff user by default', () => {
  it('REQUIRE_TOTP_FOR defaults to all', () => {
    expect(parseEnv({}).REQUIRE_TOTP_FOR).toBe('all');
    expect(() => parseEnv({ REQUIRE_TOTP_FOR: 'nobody' })).toThrow(/REQUIRE_TOTP_FOR: must be all or officers/);
  });

  it('a centre nurse must enrol before any page or API call, then each code is accepted once', async () => {
    const c = new Client(app);
    const res = await c.signIn('tf-nurse@a.jp');
    expect(res.headers.get('location')).toBe('/admin/login/totp');
    expect((await c.get('/admin/account')).status).toBe(303);
    expect((await c.get('/api/v1/persons')).status).toBe(401);
    const enrol = await (await c.get('/admin/login/totp')).text();
    const secret = /data-totp-secret="?[^>]*>([A-Z2-7]+)</.exec(enrol)![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(enrol)![1]!;
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
    const code = totp.generate({ timestamp: clock.getTime() });
    expect((await totpPost(c, csrf, code)).status).toBe(303);
    expect((await c.get('/admin/account')).status).toBe(200);

    // A second sign-in with the same code (same time step): refused; a stolen code is not reusable.
    const again = new Client(app);
    await again.signIn('tf-nurse@a.jp');
    const form = await (await again.get('/admin/login/totp')).text();
    expect(form).not.toContain('data-totp-secret'); // the secret is never shown again
    const csrf2 = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
    expect((await totpPost(again, csrf2, code)).status).toBe(422);
    expect((await again.get('/admin/account')).status).toBe(303);
    clock = new Date(clock.getTime() + 30_000);
    expect((await totpPost(again, csrf2, totp.generate({ timestamp: clock.getTime() }))).status).toBe(303);
    expect((await again.get('/admin/account')).status).toBe(200);
  });
});

describe('guessing second-factor codes', () => {
  it('five wrong codes lock the account even when the password is entered again in between, and end the waiting session', async () => {
    const enrol = new Client(app);
    await enrol.signIn('tf-guess@a.jp');
    const page = await (await enrol.get('/admin/login/totp')).text();
    const secret = /data-totp-secret="?[^>]*>([A-Z2-7]+)</.exec(page)![1]!;
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
    clock = new Date(clock.getTime() + 60_000);
    expect((await totpPost(enrol, /name="_csrf" value="([^"]+)"/.exec(page)![1]!, totp.generate({ timestamp: clock.getTime() }))).status).toBe(303);

    clock = new Date(clock.getTime() + 60_000);
    const good = totp.generate({ timestamp: clock.getTime() });
    const wrong = good === '000000' ? '111111' : '000000';
    let c = new Client(app);
    for (let i = 1; i <= 5; i++) {
      if (i === 3) c = new Client(app); // sign in again with the password: the count goes on
      if (i === 1 || i === 3) expect((await c.signIn('tf-guess@a.jp')).headers.get('location')).toBe('/admin/login/totp');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await c.get('/admin/login/totp')).text())![1]!;
      const res = await totpPost(c, csrf, wrong);
      expect(res.status).toBe(i < 5 ? 422 : 303);
    }
    // Locked: the waiting session is gone, and even the right password and code do not get in.
    expect((await c.get('/admin/login/totp')).status).toBe(303);
    const after = new Client(app);
    expect((await after.signIn('tf-guess@a.jp')).status).toBe(423);
  });
});

describe('storage encryption path: TLS to PostgreSQL in production', () => {
  const prod = { NODE_ENV: 'production', APP_SECRET: 'x'.repeat(40) };
  it('refuses to start with a remote DATABASE_URL without sslmode=require, naming the variable', () => {
    let err: unknown;
    try {
      parseEnv({ ...prod, DATABASE_URL: 'postgres://app:pw@db.example.jp:5432/mimamori' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([{ variable: 'DATABASE_URL', message: expect.stringMatching(/sslmode=require/) }]);
    expect(() => parseEnv({ ...prod, DATABASE_URL: 'postgres://app:pw@db.example.jp:5432/mimamori?sslmode=disable' })).toThrow(/DATABASE_URL/);
  });

  it('accepts sslmode=require or verify-full, a database on this machine, and any URL outside production', () => {
    expect(parseEnv({ ...prod, DATABASE_URL: 'postgres://app:pw@db.example.jp/mimamori?sslmode=require' }).DATABASE_URL).toMatch(/require/);
    expect(parseEnv({ ...prod, DATABASE_URL: 'postgres://app@db.example.jp/m?application_name=x&sslmode=verify-full' }).DATABASE_URL).toBeDefined();
    expect(parseEnv({ ...prod, DATABASE_URL: 'postgres://app@127.0.0.1:5432/m' }).DATABASE_URL).toBeDefined();
    expect(parseEnv({ ...prod, DATABASE_URL: 'postgresql:///m?host=/var/run/postgresql' }).DATABASE_URL).toBeDefined();
    expect(parseEnv({ NODE_ENV: 'development', DATABASE_URL: 'postgres://app@db.example.jp/m' }).DATABASE_URL).toBeDefined();
  });
});
