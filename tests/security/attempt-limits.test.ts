import argon2 from 'argon2';
import { and, eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditLog, staffUsers } from '../../db/schema';
import { THROTTLE_MAX_FAILURES } from '../../src/admin/auth/login-throttle';
import { createApp } from '../../src/app';
import { MAX_FAILED_LOGINS, MAX_FAILED_LOGINS_GLOBAL } from '../../src/domain/staff/sign-in';
import { createTestDeps, type TestDeps } from '../support/deps';
import { bearer, Client, ensureCentre, fromSocket, makeStaff, makeToken, PASSWORD } from '../admin/support';

/**
 * Issue 19 (2, 6, 7): attempt limits that hold when an attacker fires requests in
 * parallel, a lock-out nobody can use to shut a colleague out, and password change.
 */
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let clock = new Date('2026-07-01T00:00:00Z');

beforeAll(async () => {
  deps = await createTestDeps({ REQUIRE_TOTP_FOR: 'all' }, { now: () => clock });
  app = createApp(deps);
  await ensureCentre(deps, '13-971');
  for (const who of ['burst', 'dos', 'pw', 'lockcheck']) await makeStaff(deps, { email: `al-${who}@a.jp`, role: 'nurse', jurisdictionCode: '13-971' });
});
afterAll(async () => {
  await deps?.close();
});

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
const totpPost = (c: Client, csrf: string, code: string) =>
  c.request('/admin/login/totp', { method: 'POST', body: new URLSearchParams({ _csrf: csrf, code }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

/** Sign in and enrol the second factor; returns the signed-in client and the authenticator. */
async function enrolled(email: string, from = '192.0.2.200'): Promise<{ c: Client; totp: TOTP }> {
  const c = new Client(app, fromSocket(from));
  expect((await c.signIn(email)).headers.get('location')).toBe('/admin/login/totp');
  const page = await (await c.get('/admin/login/totp')).text();
  const totp = new TOTP({ secret: Secret.fromBase32(/data-totp-secret="?[^>]*>([A-Z2-7]+)</.exec(page)![1]!), digits: 6, period: 30 });
  expect((await totpPost(c, csrfOf(page), totp.generate({ timestamp: clock.getTime() }))).status).toBe(303);
  await c.refreshCsrf();
  clock = new Date(clock.getTime() + 30_000);
  return { c, totp };
}

/** A sign-in form post with an optional second-factor code. */
async function signInFrom(ip: string, email: string, password: string, code?: string): Promise<{ c: Client; res: Response }> {
  const c = new Client(app, fromSocket(ip));
  const csrf = csrfOf(await (await c.get('/admin/login')).text());
  const body = new URLSearchParams({ _csrf: csrf, email, password, ...(code ? { code } : {}) });
  const res = await c.request('/admin/login', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  if (res.status === 303) await c.refreshCsrf();
  return { c, res };
}

const countAudit = async (staffEmail: string, action: string) => {
  const [u] = await deps.db.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.email, staffEmail));
  return (await deps.db.select().from(auditLog).where(and(eq(auditLog.entityId, u!.id), eq(auditLog.action, action)))).length;
};

describe('second-factor codes in a concurrent burst', () => {
  it('60 wrong codes at once then the right one: 5 checked, the account locks, the right code is refused and every session ends', async () => {
    const { c: earlier, totp } = await enrolled('al-burst@a.jp');
    expect((await earlier.get('/admin/account')).status).toBe(200);
    const pending = new Client(app, fromSocket('192.0.2.201'));
    expect((await pending.signIn('al-burst@a.jp')).headers.get('location')).toBe('/admin/login/totp');
    const csrf = csrfOf(await (await pending.get('/admin/login/totp')).text());
    const good = totp.generate({ timestamp: clock.getTime() });
    const wrong = (i: number) => String((Number(good) + 1 + i) % 1_000_000).padStart(6, '0');
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => totpPost(pending, csrf, wrong(i))));
    expect(answers.every((r) => r.status !== 200 && !(r.status === 303 && r.headers.get('location') === '/admin'))).toBe(true);
    expect(await countAudit('al-burst@a.jp', 'totp_failed')).toBe(MAX_FAILED_LOGINS);
    const right = await totpPost(pending, csrf, good);
    expect(right.headers.get('location')).not.toBe('/admin');
    // The session that had passed the second factor before the lock is ended too.
    expect((await earlier.get('/admin/account')).status).toBe(303);
    expect((await pending.get('/admin/account')).status).toBe(303);
  });
});

describe('sign-in attempts from one address in a concurrent burst', () => {
  it(`80 failed sign-ins at once from one address: at most ${THROTTLE_MAX_FAILURES} passwords are verified, the rest wait (429)`, async () => {
    const spy = vi.spyOn(argon2, 'verify');
    try {
      const results = await Promise.all(Array.from({ length: 80 }, (_, i) => signInFrom('203.0.113.77', `nobody-${i}@a.jp`, 'not the password')));
      const statuses = results.map((r) => r.res.status);
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(THROTTLE_MAX_FAILURES);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(80 - THROTTLE_MAX_FAILURES);
      expect(spy.mock.calls.length).toBeLessThanOrEqual(THROTTLE_MAX_FAILURES);
    } finally {
      spy.mockRestore();
    }
  }, 120_000);
});

describe('a lock-out that cannot deny service', () => {
  it('wrong passwords lock (account, address): the owner elsewhere still signs in; many addresses lock the account, and the owner unlocks it with the second factor', async () => {
    const { c: before, totp } = await enrolled('al-dos@a.jp', '192.0.2.50');
    // One attacker address, five wrong passwords in parallel: that address is locked out, even with the right password.
    await Promise.all(Array.from({ length: MAX_FAILED_LOGINS }, () => signInFrom('198.51.100.1', 'al-dos@a.jp', 'guess guess guess')));
    expect((await signInFrom('198.51.100.1', 'al-dos@a.jp', PASSWORD)).res.status).toBe(423);
    const owner = await signInFrom('192.0.2.51', 'al-dos@a.jp', PASSWORD);
    expect(owner.res.headers.get('location')).toBe('/admin/login/totp');
    expect((await before.get('/admin/account')).status).toBe(200);

    // Many addresses in parallel reach the account-wide threshold: the account locks and its sessions end.
    const addresses = Array.from({ length: MAX_FAILED_LOGINS_GLOBAL / MAX_FAILED_LOGINS }, (_, i) => `198.51.100.${10 + i}`);
    await Promise.all(addresses.flatMap((ip) => Array.from({ length: MAX_FAILED_LOGINS }, () => signInFrom(ip, 'al-dos@a.jp', 'guess guess guess'))));
    expect((await before.get('/admin/account')).status).toBe(303);
    const locked = await signInFrom('192.0.2.52', 'al-dos@a.jp', PASSWORD);
    expect(locked.res.status).toBe(423);
    const page = await locked.res.text();
    expect(page).toContain('確認コード');
    // The owner's way out: password and current code together.
    expect((await signInFrom('192.0.2.52', 'al-dos@a.jp', PASSWORD, '000000' === totp.generate({ timestamp: clock.getTime() }) ? '111111' : '000000')).res.status).toBe(423);
    const unlocked = await signInFrom('192.0.2.52', 'al-dos@a.jp', PASSWORD, totp.generate({ timestamp: clock.getTime() }));
    expect(unlocked.res.status).toBe(303);
    expect(unlocked.res.headers.get('location')).toBe('/admin');
    expect((await unlocked.c.get('/admin/account')).status).toBe(200);
    // The attacker's addresses stay locked out for their own window.
    expect((await signInFrom('198.51.100.1', 'al-dos@a.jp', PASSWORD)).res.status).toBe(423);
  }, 120_000); // ~60 argon2 verifications: slow on a busy 2-core machine

  it('findStaffSession honours locked_until: a lock written by any path ends a live session at its next request', async () => {
    const { c } = await enrolled('al-lockcheck@a.jp', '192.0.2.60');
    expect((await c.get('/admin/account')).status).toBe(200);
    await deps.db.update(staffUsers).set({ lockedUntil: new Date(clock.getTime() + 60_000) }).where(eq(staffUsers.email, 'al-lockcheck@a.jp'));
    expect((await c.get('/admin/account')).status).toBe(303);
    await deps.db.update(staffUsers).set({ lockedUntil: null }).where(eq(staffUsers.email, 'al-lockcheck@a.jp'));
  });
});

describe('password change', () => {
  it('is refused on console pages with an API token, counts wrong current passwords, asks the second factor again, and revokes API tokens', async () => {
    const { c, totp } = await enrolled('al-pw@a.jp', '192.0.2.70');
    const token = await makeToken(deps, 'al-pw@a.jp');
    const viaToken = bearer(app, token);
    expect((await viaToken('GET', '/api/v1/tokens')).status).toBe(200);
    // A bearer token on a console page: refused, whatever the page.
    const tokenPost = await app.request('/admin/account/password', { method: 'POST', body: new URLSearchParams({ current: PASSWORD, next: 'a brand new passphrase', confirm: 'a brand new passphrase' }), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' } });
    expect(tokenPost.status).toBe(401);
    expect((await app.request('/admin/account', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);

    const next = 'a brand new passphrase';
    // Without the second-factor code: refused, nothing changed.
    const noCode = await c.form('/admin/account/password', { current: PASSWORD, next, confirm: next });
    expect(noCode.status).toBe(422);
    const ok = await c.form('/admin/account/password', { current: PASSWORD, next, confirm: next, code: totp.generate({ timestamp: clock.getTime() }) });
    expect(ok.status).toBe(200);
    expect((await viaToken('GET', '/api/v1/tokens')).status).toBe(401); // the token went with the old password

    // Wrong current passwords are counted, in parallel too: the fifth locks the account and ends this session.
    const wrongs = await Promise.all(Array.from({ length: 8 }, () => c.form('/admin/account/password', { current: 'not it at all', next: 'another new passphrase', confirm: 'another new passphrase' })));
    expect(wrongs.some((r) => r.status === 303 && r.headers.get('location') === '/admin/login')).toBe(true);
    expect(await countAudit('al-pw@a.jp', 'change_password_failed')).toBe(MAX_FAILED_LOGINS);
    expect((await c.get('/admin/account')).status).toBe(303);
  });
});
