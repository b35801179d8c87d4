import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { Client, ensureCentre, makeStaff } from '../admin/support';

/**
 * Issue 18, second factor as people meet it: recovery codes shown once at enrolment (each
 * works once instead of a code), full-width digits (IME on) accepted, and a code used
 * twice within its 30 s answered with "wait for the next code".
 */
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let clock = new Date('2026-11-02T00:00:00Z');
beforeAll(async () => {
  deps = await createTestDeps({ REQUIRE_TOTP_FOR: 'all' }, { now: () => clock });
  app = createApp(deps);
  await ensureCentre(deps, '13-991');
  await makeStaff(deps, { email: 'ti@a.jp', role: 'nurse', jurisdictionCode: '13-991' });
});
afterAll(async () => deps?.close());

const fullWidth = (digits: string) => digits.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
const post = (c: Client, csrf: string, code: string) => c.request('/admin/login/totp', { method: 'POST', body: new URLSearchParams({ _csrf: csrf, code }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

describe('the second factor as staff type it', () => {
  it('enrols with full-width digits, then shows ten recovery codes once', async () => {
    const c = new Client(app);
    await c.signIn('ti@a.jp');
    const page = await (await c.get('/admin/login/totp')).text();
    expect(page).not.toContain('pattern="[0-9]{6}"'); // the browser does not refuse full-width input
    const totp = new TOTP({ secret: Secret.fromBase32(/data-totp-secret="?[^>]*>([A-Z2-7]+)</.exec(page)![1]!), digits: 6, period: 30 });
    const done = await post(c, csrfOf(page), fullWidth(totp.generate({ timestamp: clock.getTime() })));
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/admin/account/recovery-codes');
    const codesPage = await (await c.get('/admin/account/recovery-codes')).text();
    const codes = [...codesPage.matchAll(/data-recovery-code[^>]*>([a-z0-9-]+)</g)].map((m) => m[1]!);
    expect(codes).toHaveLength(10);
    expect((await c.get('/admin/account/recovery-codes')).status).toBe(303); // never shown again

    // The same code again within its 30 s: "wait for the next code", not "wrong".
    clock = new Date(clock.getTime() + 5_000);
    const again = new Client(app);
    await again.signIn('ti@a.jp');
    const csrf = csrfOf(await (await again.get('/admin/login/totp')).text());
    const reused = await post(again, csrf, totp.generate({ timestamp: clock.getTime() }));
    expect(reused.status).toBe(422);
    expect(await reused.text()).toContain('次のコードが表示されるまで');

    // A recovery code instead (lost phone): once.
    expect((await post(again, csrf, codes[0]!.toUpperCase())).status).toBe(303);
    const third = new Client(app);
    await third.signIn('ti@a.jp');
    const csrf3 = csrfOf(await (await third.get('/admin/login/totp')).text());
    expect((await post(third, csrf3, codes[0]!)).status).toBe(422);
    expect((await post(third, csrf3, codes[1]!)).status).toBe(303);
  });
});
