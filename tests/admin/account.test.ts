import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { apiTokens, staffUsers } from '../../db/schema';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { bearer, Client, ensureCentre, makeStaff, makeToken } from './support';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
const clock = { now: new Date('2026-06-01T01:00:00Z') };

beforeAll(async () => {
  deps = await createTestDeps({}, { now: () => clock.now });
  app = createApp(deps);
  await ensureCentre(deps, '13-101');
  await makeStaff(deps, { email: 'acc@a.jp', role: 'nurse', jurisdictionCode: '13-101' });
  await makeStaff(deps, { email: 'gone@a.jp', role: 'nurse', jurisdictionCode: '13-101' });
});
afterAll(async () => {
  await deps?.close();
});

describe('the account page', () => {
  it('creates an API token shown once, lists it by prefix, and revokes it', async () => {
    const me = new Client(app);
    await me.signIn('acc@a.jp');
    const created = await (await me.form('/admin/account/tokens', { name: '連携システム' })).text();
    const token = /data-new-token="?[^>]*>([^<]+)</.exec(created)![1]!;
    expect(token).toMatch(/^mmr_/);
    expect((await bearer(app, token)('GET', '/api/v1/tokens')).status).toBe(200);
    const again = await (await me.get('/admin/account')).text();
    expect(again).not.toContain(token);
    expect(again).toContain(`${token.slice(0, 10)}…`);
    const [row] = await deps.db.select().from(apiTokens).where(eq(apiTokens.prefix, token.slice(0, 10)));
    expect(row!.tokenHash).not.toBe(token);
    expect((await me.form(`/admin/account/tokens/${row!.id}/revoke`, {})).status).toBe(303);
    expect((await bearer(app, token)('GET', '/api/v1/tokens')).status).toBe(401);
  });

  it('turns on the optional second factor; the next sign-in asks for a code', async () => {
    const me = new Client(app);
    await me.signIn('acc@a.jp');
    const enrol = await (await me.form('/admin/account/totp', {})).text();
    const secret = /data-totp-secret="?[^>]*>([A-Z2-7]+)</.exec(enrol)![1]!;
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
    expect((await me.form('/admin/account/totp/verify', { code: '12345' })).status).toBe(422);
    const enrolled = await me.form('/admin/account/totp/verify', { code: totp.generate({ timestamp: clock.now.getTime() }) });
    expect(enrolled.status).toBe(303);
    expect(enrolled.headers.get('location')).toBe('/admin/account/recovery-codes'); // shown once there
    const next = await new Client(app).signIn('acc@a.jp');
    expect(next.headers.get('location')).toBe('/admin/login/totp');
  });

  it('refuses the tokens of a disabled staff user', async () => {
    const token = await makeToken(deps, 'gone@a.jp');
    expect((await bearer(app, token)('GET', '/api/v1/alerts')).status).toBe(200);
    await deps.db.update(staffUsers).set({ disabled: true }).where(eq(staffUsers.email, 'gone@a.jp'));
    expect((await bearer(app, token)('GET', '/api/v1/alerts')).status).toBe(401);
    expect((await new Client(app).signIn('gone@a.jp')).status).toBe(401);
  });
});
