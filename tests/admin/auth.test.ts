import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { TOTP, Secret } from 'otpauth';
import { auditLog, staffUsers } from '../../db/schema';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { bearer, Client, ensureCentre, makeStaff, makeToken, PASSWORD } from './support';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let clock = new Date('2026-05-01T00:00:00Z');

beforeAll(async () => {
  deps = await createTestDeps({}, { now: () => clock });
  app = createApp(deps);
  await ensureCentre(deps, '13-901');
  await makeStaff(deps, { email: 'nurse@a.jp', role: 'nurse', jurisdictionCode: '13-901' });
  await makeStaff(deps, { email: 'lock@a.jp', role: 'nurse', jurisdictionCode: '13-901' });
  await makeStaff(deps, { email: 'pref@a.jp', role: 'prefecture_officer', jurisdictionCode: '13' });
});
afterAll(async () => {
  await deps?.close();
});

describe('sign-in and sessions', () => {
  it('redirects pages to the sign-in form and answers 401 to the API when not signed in', async () => {
    const page = await app.request('/admin/account');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2Faccount');
    const api = await app.request('/api/v1/persons/00000000-0000-0000-0000-000000000000');
    expect(api.status).toBe(401);
    expect((await api.json()).code).toBe('unauthorized');
  });

  it('signs in with a session cookie that is HttpOnly, SameSite and Secure outside development', async () => {
    const client = new Client(app);
    const res = await client.signIn('nurse@a.jp');
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-mm_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Secure/);
    expect(client.csrf).toMatch(/.{20,}/);
    const account = await client.get('/admin/account');
    expect(account.status).toBe(200);
    expect(account.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(account.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(account.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a wrong password with the same message as an unknown e-mail', async () => {
    const a = await new Client(app).signIn('nurse@a.jp', 'wrong password!!');
    const b = await new Client(app).signIn('nobody@a.jp', 'wrong password!!');
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(await a.text()).toContain('メールアドレスまたはパスワードが正しくありません');
  });

  it('rejects a sign-in form posted without its CSRF token', async () => {
    const res = await app.request('/admin/login', { method: 'POST', body: new URLSearchParams({ email: 'nurse@a.jp', password: PASSWORD }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(403);
  });

  it('locks the account after five wrong passwords, even for the right one, until the lock ends', async () => {
    for (let i = 0; i < 4; i++) expect((await new Client(app).signIn('lock@a.jp', 'not the password')).status).toBe(401);
    expect((await new Client(app).signIn('lock@a.jp', 'not the password')).status).toBe(423);
    const locked = await new Client(app).signIn('lock@a.jp');
    expect(locked.status).toBe(423);
    expect(await locked.text()).toContain('ロック');
    clock = new Date(clock.getTime() + 16 * 60_000);
    expect((await new Client(app).signIn('lock@a.jp')).status).toBe(303);
    const rows = await deps.db.select().from(auditLog).where(eq(auditLog.action, 'lock'));
    expect(rows).toHaveLength(1);
  });

  it('rejects state-changing calls made with the cookie but without the CSRF token', async () => {
    const client = new Client(app);
    await client.signIn('nurse@a.jp');
    const noToken = await client.request('/admin/account/tokens', { method: 'POST', body: new URLSearchParams({ name: 'x' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(noToken.status).toBe(403);
    expect((await noToken.json()).code).toBe('csrf_failed');
    const wrong = await client.request('/admin/account/tokens', { method: 'POST', body: new URLSearchParams({ name: 'x', _csrf: 'forged' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(wrong.status).toBe(403);
    const api = await client.request('/api/v1/persons', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(api.status).toBe(403);
    const ok = await client.form('/admin/account/tokens', { name: 'mine' });
    expect(ok.status).toBe(200);
  });

  it('logs out: the old cookie no longer works', async () => {
    const client = new Client(app);
    await client.signIn('nurse@a.jp');
    const saved = { ...client.jar };
    expect((await client.form('/admin/logout', {})).status).toBe(303);
    client.jar = saved;
    expect((await client.get('/admin/account')).status).toBe(303);
  });

  it('changes the password, ending other sessions but keeping this one', async () => {
    const other = new Client(app);
    await other.signIn('nurse@a.jp');
    const me = new Client(app);
    await me.signIn('nurse@a.jp');
    const bad = await me.form('/admin/account/password', { current: PASSWORD, next: 'short', confirm: 'short' });
    expect(bad.status).toBe(422);
    for (const breached of ['Password123456', 'p@ssw0rd1234', 'nurse@a.jp-2024!']) {
      const weak = await me.form('/admin/account/password', { current: PASSWORD, next: breached, confirm: breached });
      expect(weak.status, breached).toBe(422);
      expect(await weak.text()).toMatch(/data-field="next"[^>]*>[^<]*(よく使われるパスワード|メールアドレス・氏名)/);
    }
    const ok = await me.form('/admin/account/password', { current: PASSWORD, next: 'a new long passphrase', confirm: 'a new long passphrase' });
    expect(ok.status).toBe(200);
    expect((await me.get('/admin/account')).status).toBe(200);
    expect((await other.get('/admin/account')).status).toBe(303);
    expect((await new Client(app).signIn('nurse@a.jp', 'a new long passphrase')).status).toBe(303);
    // Put it back for the other tests.
    await me.form('/admin/account/password', { current: 'a new long passphrase', next: PASSWORD, confirm: PASSWORD });
  });
});

describe('TOTP second factor', () => {
  it('requires enrolment for a prefecture officer, then a fresh code at each sign-in; a code is accepted once', async () => {
    const client = new Client(app);
    const res = await client.signIn('pref@a.jp');
    expect(res.headers.get('location')).toBe('/admin/login/totp');
    expect((await client.get('/admin/account')).status).toBe(303); // not through yet
    const enrol = await (await client.get('/admin/login/totp')).text();
    const secret = /data-totp-secret="?[^>]*>([A-Z2-7]+)</.exec(enrol)![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(enrol)![1]!;
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
    const wrong = await client.request('/admin/login/totp', { method: 'POST', body: new URLSearchParams({ _csrf: csrf, code: '000000' === totp.generate({ timestamp: clock.getTime() }) ? '111111' : '000000' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(wrong.status).toBe(422);
    const code = totp.generate({ timestamp: clock.getTime() });
    const ok = await client.request('/admin/login/totp', { method: 'POST', body: new URLSearchParams({ _csrf: csrf, code }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(ok.status).toBe(303);
    expect((await client.get('/admin/account')).status).toBe(200);

    // Sign in again: the same code (same time step) is refused, the next step's code works.
    const again = new Client(app);
    await again.signIn('pref@a.jp');
    const form = await (await again.get('/admin/login/totp')).text();
    expect(form).not.toContain('data-totp-secret');
    const csrf2 = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
    const replay = await again.request('/admin/login/totp', { method: 'POST', body: new URLSearchParams({ _csrf: csrf2, code }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(replay.status).toBe(422);
    clock = new Date(clock.getTime() + 30_000);
    const next = await again.request('/admin/login/totp', { method: 'POST', body: new URLSearchParams({ _csrf: csrf2, code: totp.generate({ timestamp: clock.getTime() }) }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(next.status).toBe(303);
    const [user] = await deps.db.select().from(staffUsers).where(eq(staffUsers.email, 'pref@a.jp'));
    expect(user!.totpLastStep).not.toBeNull();
  });
});

describe('API bearer tokens', () => {
  it('accepts a token without CSRF, and refuses it once revoked', async () => {
    const token = await makeToken(deps, 'nurse@a.jp');
    const call = bearer(app, token);
    const ok = await call('GET', '/api/v1/alerts?status=open');
    expect(ok.status).toBe(200);
    const list = await call('GET', '/api/v1/tokens');
    const mine = (await list.json()).tokens as { id: string; prefix: string }[];
    const id = mine.find((t) => token.startsWith(t.prefix))!.id;
    expect((await call('DELETE', `/api/v1/tokens/${id}`)).status).toBe(204);
    expect((await call('GET', '/api/v1/alerts?status=open')).status).toBe(401);
    expect((await bearer(app, 'mmr_not-a-token')('GET', '/api/v1/alerts')).status).toBe(401);
  });
});
