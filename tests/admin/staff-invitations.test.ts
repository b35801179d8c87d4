import { eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffInvitations, staffUsers } from '../../db/schema';
import { createApp } from '../../src/app';
import { inviteStaffCommand } from '../../src/cli/invite-staff';
import { createTestDeps, type TestDeps } from '../support/deps';
import { startSmtpServer, type LocalSmtpServer } from '../support/smtp-server';
import { bearer, Client, ensureCentre, ensureInstitution, makeStaff, makeToken } from './support';

/**
 * Issue 15, staff onboarding: an administrator invites staff (one, or a CSV); each gets a
 * one-time link (72 h), shown once and mailed, where they set their own password and enrol
 * TOTP. Issue 18: password reset by link, TOTP reset, 所属 from a list, no self-disable.
 */
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let smtp: LocalSmtpServer;
let clock = new Date('2026-09-01T00:00:00Z');
let admin: Client;
let adminApi: ReturnType<typeof bearer>;

beforeAll(async () => {
  smtp = await startSmtpServer();
  deps = await createTestDeps({ SMTP_URL: smtp.url, REQUIRE_TOTP_FOR: 'all', PUBLIC_BASE_URL: 'https://mimamori.example.jp' }, { now: () => clock });
  app = createApp(deps);
  const centre = await ensureCentre(deps, '13-661', 'いろは保健所');
  await ensureCentre(deps, '13-662');
  await ensureInstitution(deps, 'INV-CLINIC', centre);
  await makeStaff(deps, { email: 'inv-admin@a.jp', role: 'centre_admin', jurisdictionCode: '13-661' });
  adminApi = bearer(app, await makeToken(deps, 'inv-admin@a.jp'));
  admin = new Client(app);
  await admin.signInWithTotp('inv-admin@a.jp', clock);
  clock = new Date(clock.getTime() + 30_000);
});
afterAll(async () => {
  await deps?.close();
  await smtp?.close();
});

const linkIn = (text: string) => /https:\/\/mimamori\.example\.jp\/admin\/enrol\/[\w-]+/.exec(text)?.[0] ?? null;
const pathOf = (url: string) => new URL(url).pathname;

/** The invitee opens the link, sets a password, and enrols the authenticator app. */
async function enrol(url: string, password: string): Promise<Client> {
  const c = new Client(app);
  const form = await c.get(pathOf(url));
  expect(form.status).toBe(200);
  const set = await c.request(pathOf(url), { method: 'POST', body: new URLSearchParams({ password, confirm: password }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expect(set.status).toBe(303);
  expect(set.headers.get('location')).toBe('/admin/login/totp');
  const page = await (await c.get('/admin/login/totp')).text();
  const secret = /data-totp-secret="?[^>]*>([A-Z2-7]+)</.exec(page)![1]!;
  const code = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: clock.getTime() });
  const done = await c.request('/admin/login/totp', { method: 'POST', body: new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1]!, code }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expect(done.status).toBe(303);
  await c.refreshCsrf();
  clock = new Date(clock.getTime() + 30_000);
  return c;
}

describe('inviting one staff member from the console', () => {
  it('shows the link once and mails it; the invitee sets their own password and enrols TOTP; the link then stops working', async () => {
    const page = await (await admin.get('/admin/staff/invitations')).text();
    expect(page).toContain('いろは保健所（13-661）'); // 所属 from a list, not a typed code
    const res = await admin.form('/admin/staff/invitations', { email: 'New.Nurse@a.jp', displayName: '新人 看護師', role: 'nurse', scope: 'j:13-661' });
    expect(res.status).toBe(200);
    const url = linkIn(await res.text())!;
    expect(url).toBeTruthy();
    const [mail] = await smtp.waitFor(1);
    expect(mail!.to).toEqual(['new.nurse@a.jp']);
    expect(mail!.text).toContain(url);
    expect(mail!.text).toContain('有効期限');
    // Nothing an administrator could read holds a password: the account does not exist yet.
    expect(await deps.db.select().from(staffUsers).where(eq(staffUsers.email, 'new.nurse@a.jp'))).toHaveLength(0);
    const nurse = await enrol(url, 'a nurse chose this one');
    expect((await nurse.get('/admin/account')).status).toBe(200);
    const [row] = await deps.db.select().from(staffUsers).where(eq(staffUsers.email, 'new.nurse@a.jp'));
    expect(row).toMatchObject({ role: 'nurse', displayName: '新人 看護師' });
    expect(row!.totpLastStep).not.toBeNull();
    // Used up.
    expect((await new Client(app).get(pathOf(url))).status).toBe(404);
  });

  it('expires after 72 hours', async () => {
    const res = await adminApi('POST', '/api/v1/staff/invitations', { email: 'late@a.jp', displayName: '遅い 人', role: 'nurse', jurisdictionCode: '13-661' });
    expect(res.status).toBe(201);
    const [inv] = (await res.json()).invitations;
    const saved = clock;
    clock = new Date(clock.getTime() + 72 * 3600_000 + 1000);
    expect((await new Client(app).get(pathOf(inv.url))).status).toBe(404);
    clock = saved;
  });
});

describe('inviting many: API (JSON, CSV) and CLI', () => {
  it('a CSV with Japanese headers: good rows invited, a bad row refused with its row number', async () => {
    const csv = '\uFEFFメールアドレス,氏名,役割,所属コード,医療機関コード\ncsv-1@a.jp,一 太郎,保健師,13-661,\ncsv-2@a.jp,二 次郎,医師,,INV-CLINIC\ncsv-3@a.jp,三 三郎,nurse,13-662,\n';
    const res = await app.request('/api/v1/staff/invitations', { method: 'POST', body: csv, headers: { authorization: `Bearer ${await makeToken(deps, 'inv-admin@a.jp')}`, 'content-type': 'text/csv' } });
    expect(res.status).toBe(422);
    const { invitations } = await res.json();
    expect(invitations.map((o: { row: number; url?: string }) => [o.row, !!o.url])).toEqual([[2, true], [3, true], [4, false]]);
    expect(invitations[2].errors[0].messageJa).toContain('管轄');
    const rows = await deps.db.select().from(staffInvitations).where(eq(staffInvitations.email, 'csv-2@a.jp'));
    expect(rows[0]).toMatchObject({ role: 'clinician', kind: 'enrol' });
    expect(rows[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/); // only the hash is stored
  });

  it('npm run cli -- invite-staff prints the link', async () => {
    const lines: string[] = [];
    const code = await inviteStaffCommand.run({ positional: [], flags: { email: 'cli@a.jp', name: 'CLI 花子', role: 'nurse', jurisdiction: '13-662' } }, deps, (l) => lines.push(l));
    expect(code).toBe(0);
    expect(linkIn(lines.join('\n'))).toBeTruthy();
  });

  it('a nurse may not invite; an administrator may not invite above their role or outside their centre', async () => {
    await makeStaff(deps, { email: 'inv-nurse@a.jp', role: 'nurse', jurisdictionCode: '13-661' });
    const nurse = bearer(app, await makeToken(deps, 'inv-nurse@a.jp'));
    expect((await nurse('POST', '/api/v1/staff/invitations', { email: 'x@a.jp', displayName: 'x', role: 'nurse', jurisdictionCode: '13-661' })).status).toBe(403);
    const up = await adminApi('POST', '/api/v1/staff/invitations', { email: 'boss@a.jp', displayName: 'boss', role: 'national_officer', jurisdictionCode: 'JP' });
    expect(up.status).toBe(422);
  });
});

describe('staff page: resets and your own row', () => {
  it('resets a password by a one-time link (never a password shown) and resets TOTP; no buttons on your own row', async () => {
    const url = linkIn(await (await admin.form('/admin/staff/invitations', { email: 'reset-me@a.jp', displayName: 'リセット 対象', role: 'nurse', scope: 'j:13-661' })).text())!;
    const user = await enrol(url, 'first password chosen');
    const [row] = await deps.db.select().from(staffUsers).where(eq(staffUsers.email, 'reset-me@a.jp'));
    const staffPage = await (await admin.get('/admin/staff')).text();
    const [me] = await deps.db.select().from(staffUsers).where(eq(staffUsers.email, 'inv-admin@a.jp'));
    expect(staffPage).not.toContain(`action="/admin/staff/${me!.id}"`); // cannot disable yourself
    expect(staffPage).toContain('id="invite-staff"');
    const reset = await admin.form(`/admin/staff/${row!.id}/password-reset`, {});
    const resetHtml = await reset.text();
    const resetUrl = linkIn(resetHtml)!;
    expect(resetUrl).toBeTruthy();
    expect((await user.get('/admin/account')).status).toBe(303); // sessions ended at once
    const c = new Client(app);
    await c.request(pathOf(resetUrl), { method: 'POST', body: new URLSearchParams({ password: 'second password chosen', confirm: 'second password chosen' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect((await new Client(app).signIn('reset-me@a.jp', 'second password chosen')).headers.get('location')).toBe('/admin/login/totp');
    // TOTP reset: the next sign-in enrols again (the secret is shown).
    expect((await admin.form(`/admin/staff/${row!.id}/totp-reset`, {})).status).toBe(200);
    const again = new Client(app);
    await again.signIn('reset-me@a.jp', 'second password chosen');
    expect(await (await again.get('/admin/login/totp')).text()).toContain('data-totp-secret');
  });
});
