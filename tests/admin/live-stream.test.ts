import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { staffUsers } from '../../db/schema';
import { createApp } from '../../src/app';
import { staffAuth } from '../../src/admin/auth/staff-auth';
import type { AdminEnv } from '../../src/admin/auth/types';
import { createTriageRoutes } from '../../src/admin/pages/triage/queue-page';
import { AlertHub } from '../../src/admin/pages/triage/alert-hub';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makeAlert, makePerson } from './fixtures';
import { Client, cookieHeader, ensureCentre, makeStaff, PASSWORD } from './support';

/**
 * The live alert stream is authorised when it opens; it must not outlive the session:
 * after logout, a disabled account, a role change or a password change it ends.
 */
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let quick: Hono;
let hub: AlertHub;
let person: string;

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  hub = new AlertHub(deps);
  // The triage router alone, re-checking an idle stream every 100 ms instead of every 15 s.
  const pages = new Hono<AdminEnv>();
  pages.use('*', staffAuth(deps));
  pages.route('/', createTriageRoutes(deps, hub, { recheckMs: 100 }));
  quick = new Hono().route('/admin', pages);
  await ensureCentre(deps, '13-791');
  person = await makePerson(deps, '13-791');
});
afterAll(async () => {
  await hub?.close();
  await deps?.close();
});

/** Reads an SSE response as text as it arrives; `ended` resolves with everything once the server closes it. */
function reader(res: Response) {
  const body = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const waiters: { match: string; resolve: () => void }[] = [];
  const ended = (async () => {
    for (;;) {
      const { value, done } = await body.read();
      if (done) return text;
      text += decoder.decode(value, { stream: true });
      for (const w of waiters.filter((x) => text.includes(x.match))) w.resolve();
    }
  })();
  return {
    ended,
    until: (match: string) => (text.includes(match) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ match, resolve }))),
    cancel: () => body.cancel(),
  };
}

/** A promise that fails the test if the stream is still open after a while (a safety net, not a sleep). */
function within<T>(p: Promise<T>, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the stream stayed open')), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

async function signedIn(email: string): Promise<Client> {
  await makeStaff(deps, { email, role: 'nurse', jurisdictionCode: '13-791' });
  const c = new Client(app);
  await c.signIn(email);
  return c;
}

async function openStream(c: Client, through: { request: (p: string, i?: RequestInit) => Response | Promise<Response> }) {
  const res = await through.request('/admin/triage/stream', { headers: { cookie: cookieHeader(c.jar) } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const r = reader(res);
  await within(r.until('event: ready'));
  return r;
}

describe('the live alert stream', () => {
  it('delivers alerts while the session stands', async () => {
    const c = await signedIn('live-ok@s.jp');
    const stream = await openStream(c, app);
    const id = await makeAlert(deps, person);
    await within(stream.until(id));
    await stream.cancel();
  });

  it('ends after logout, before delivering the next alert', async () => {
    const c = await signedIn('live-logout@s.jp');
    const stream = await openStream(c, app);
    expect((await c.form('/admin/logout', {})).status).toBe(303);
    const id = await makeAlert(deps, person);
    const text = await within(stream.ended);
    expect(text).toContain('event: end');
    expect(text).not.toContain(id);
  });

  it('ends after a password change, even in the session that changed it', async () => {
    const c = await signedIn('live-pw@s.jp');
    const stream = await openStream(c, app);
    const changed = await c.form('/admin/account/password', { current: PASSWORD, next: 'another long passphrase', confirm: 'another long passphrase' });
    expect(changed.status).toBe(200);
    const id = await makeAlert(deps, person);
    const text = await within(stream.ended);
    expect(text).toContain('event: end');
    expect(text).not.toContain(id);
  });

  it('ends by itself, with no alert coming, when the account is disabled or its role changes', async () => {
    const disabled = await signedIn('live-off@s.jp');
    const moved = await signedIn('live-role@s.jp');
    const s1 = await openStream(disabled, quick);
    const s2 = await openStream(moved, quick);
    await deps.db.update(staffUsers).set({ disabled: true }).where(eq(staffUsers.email, 'live-off@s.jp'));
    await deps.db.update(staffUsers).set({ role: 'clinician' }).where(eq(staffUsers.email, 'live-role@s.jp'));
    expect(await within(s1.ended)).toContain('event: end');
    expect(await within(s2.ended)).toContain('event: end');
  });
});
