import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffSessions, staffUsers } from '../../db/schema';
import { createApp } from '../../src/app';
import { SESSION_COOKIE } from '../../src/admin/auth/cookies';
import { SESSION_IDLE_MS, SESSION_MAX_MS } from '../../src/domain/staff/sessions';
import { passwordProblem } from '../../src/platform/security/passwords';
import { sha256 } from '../../src/platform/security/tokens';
import { createTestDeps, type TestDeps } from '../support/deps';
import { Client, ensureCentre, makeStaff } from '../admin/support';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let clock = new Date('2026-06-01T00:00:00Z');

beforeAll(async () => {
  deps = await createTestDeps({}, { now: () => clock });
  app = createApp(deps);
  await ensureCentre(deps, '13-951');
  for (const email of ['s1@a.jp', 's2@a.jp', 's3@a.jp', 's4@a.jp']) await makeStaff(deps, { email, role: 'nurse', jurisdictionCode: '13-951' });
});
afterAll(async () => {
  await deps?.close();
});

const sessionOf = (c: Client) => c.jar[SESSION_COOKIE]!;

describe('passwords', () => {
  it('are stored as argon2id with m ≥ 19 MiB, t = 2, p = 1 (read back from the stored hash)', async () => {
    const [u] = await deps.db.select({ hash: staffUsers.passwordHash }).from(staffUsers).where(eq(staffUsers.email, 's1@a.jp'));
    const m = /^\$argon2id\$v=19\$([^$]+)\$/.exec(u!.hash);
    expect(m).not.toBeNull();
    const params = Object.fromEntries(m![1]!.split(',').map((kv) => kv.split('=') as [string, string]));
    expect(Number(params.m)).toBeGreaterThanOrEqual(19 * 1024);
    expect(Number(params.t)).toBe(2);
    expect(Number(params.p)).toBe(1);
  });

  it('need a minimum length and no composition rules, and common breached ones are refused', () => {
    expect(passwordProblem('short1!A')?.ja).toMatch(/12文字以上/);
    expect(passwordProblem('password1234')?.en).toMatch(/too common/); // more in passwords.test.ts
    expect(passwordProblem('PassWord1234')?.en).toMatch(/too common/);
    expect(passwordProblem('zzzzzzzzzzzzzz')).not.toBeNull();
    // Only lower-case letters and spaces: fine when long enough.
    expect(passwordProblem('purple otter cycling uphill')).toBeNull();
    expect(passwordProblem('みまもりのあいことばです')).toBeNull();
  });
});

describe('console sessions', () => {
  it('get a fresh ≥128-bit id at sign-in, whatever cookie the browser brought (no fixation)', async () => {
    const c = new Client(app);
    c.jar[SESSION_COOKIE] = 'attacker-chosen-session-id';
    expect((await c.signIn('s1@a.jp')).status).toBe(303);
    const id = sessionOf(c);
    expect(id).not.toBe('attacker-chosen-session-id');
    expect(Buffer.from(id, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    const again = new Client(app);
    await again.signIn('s1@a.jp');
    expect(sessionOf(again)).not.toBe(id);
    // Only the hash is stored, never the cookie value.
    const [row] = await deps.db.select().from(staffSessions).where(eq(staffSessions.id, sha256(id)));
    expect(row).toBeDefined();
    expect(JSON.stringify(row)).not.toContain(id);
  });

  it('send the cookie HttpOnly, Secure, SameSite, Path=/ and without a Domain', async () => {
    const res = await new Client(app).signIn('s1@a.jp');
    const line = res.headers.getSetCookie().find((l) => l.startsWith(`${SESSION_COOKIE}=`))!;
    expect(line).toMatch(/; HttpOnly/i);
    expect(line).toMatch(/; Secure/i);
    expect(line).toMatch(/; SameSite=(Lax|Strict)/i);
    expect(line).toMatch(/; Path=\/(;|$)/i);
    expect(line).not.toMatch(/domain=/i);
    // __Host- prefix: a sibling subdomain cannot plant or overwrite the session cookie.
    expect(line.startsWith('__Host-mm_session=')).toBe(true);
    // A cookie without the prefix (as a subdomain could set) is not a session.
    const c = new Client(app);
    await c.signIn('s1@a.jp');
    const planted = await app.request('/admin/account', { headers: { cookie: `mm_session=${sessionOf(c)}` } });
    expect(planted.status).toBe(303);
  });

  it('end after the idle timeout on the server', async () => {
    const c = new Client(app);
    await c.signIn('s2@a.jp');
    expect((await c.get('/admin/account')).status).toBe(200);
    clock = new Date(clock.getTime() + SESSION_IDLE_MS + 60_000);
    const res = await c.get('/admin/account');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/admin\/login/);
  });

  it('end at the absolute timeout even when used all along', async () => {
    const c = new Client(app);
    await c.signIn('s2@a.jp');
    const start = clock.getTime();
    while (clock.getTime() + 3600_000 < start + SESSION_MAX_MS) {
      clock = new Date(clock.getTime() + 3600_000);
      expect((await c.get('/admin/account')).status).toBe(200);
    }
    clock = new Date(start + SESSION_MAX_MS + 1000);
    expect((await c.get('/admin/account')).status).toBe(303);
  });

  it('are refused at the next request once the user is disabled, and after logout replaying the old cookie fails', async () => {
    const a = new Client(app);
    await a.signIn('s3@a.jp');
    const old = sessionOf(a);
    expect((await a.form('/admin/logout', {})).status).toBe(303);
    const replay = await app.request('/admin/account', { headers: { cookie: `${SESSION_COOKIE}=${old}` } });
    expect(replay.status).toBe(303);
    const apiReplay = await app.request('/api/v1/persons/00000000-0000-0000-0000-000000000000', { headers: { cookie: `${SESSION_COOKIE}=${old}` } });
    expect(apiReplay.status).toBe(401);

    const b = new Client(app);
    await b.signIn('s3@a.jp');
    expect((await b.get('/admin/account')).status).toBe(200);
    await deps.db.update(staffUsers).set({ disabled: true }).where(eq(staffUsers.email, 's3@a.jp'));
    expect((await b.get('/admin/account')).status).toBe(303);
  });

  it('refuse a CSRF token that belongs to another session', async () => {
    const a = new Client(app);
    const b = new Client(app);
    await a.signIn('s4@a.jp');
    await b.signIn('s4@a.jp');
    expect(a.csrf).not.toBe(b.csrf);
    a.csrf = b.csrf;
    const res = await a.form('/admin/logout', {});
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe('csrf_failed');
  });
});
