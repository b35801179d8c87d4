import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, staffUsers } from '../../db/schema';
import { createApp } from '../../src/app';
import { systemActor, withTransaction } from '../../src/domain/context';
import { changeStaffRole } from '../../src/domain/staff/change-staff-role';
import { createTestDeps, type TestDeps } from '../support/deps';
import { bearer, Client, ensureCentre, ensureInstitution, makeStaff, makeToken } from '../admin/support';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  deps = await createTestDeps(); // REQUIRE_TOTP_FOR=officers, so centre staff sign in with a password only
  app = createApp(deps);
  const centreA = await ensureCentre(deps, '13-311');
  await ensureCentre(deps, '13-322');
  await ensureCentre(deps, '27-311', '大阪の保健所', '27');
  await ensureInstitution(deps, 'CL-311', centreA);
  const staff: [string, Parameters<typeof makeStaff>[1]['role'], string][] = [
    ['adminA', 'centre_admin', '13-311'],
    ['nurseA', 'nurse', '13-311'],
    ['nurseA2', 'nurse', '13-311'],
    ['nurseA3', 'nurse', '13-311'],
    ['nurseB', 'nurse', '13-322'],
    ['pref13', 'prefecture_officer', '13'],
    ['nation', 'national_officer', 'JP'],
  ];
  for (const [name, role, code] of staff) ids[name] = await makeStaff(deps, { email: `${name}@r.jp`, role, jurisdictionCode: code });
});
afterAll(async () => {
  await deps?.close();
});

/** A signed-in console session and an API token of the same user. */
async function signedIn(name: string) {
  const client = new Client(app);
  expect((await client.signIn(`${name}@r.jp`)).status).toBe(303);
  return { client, api: bearer(app, await makeToken(deps, `${name}@r.jp`)) };
}

const refused = async (who: Awaited<ReturnType<typeof signedIn>>) => {
  const page = await who.client.get('/admin/persons');
  expect(page.status).toBe(303);
  expect(page.headers.get('location')).toMatch(/^\/admin\/login/);
  expect((await who.api('GET', '/api/v1/alerts?status=open')).status).toBe(401);
  expect((await who.client.json('GET', '/api/v1/alerts?status=open')).status).toBe(401);
};

const lastAudit = async (action: string, entityId: string) =>
  (await deps.db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.entityId, entityId))).orderBy(desc(auditLog.id)).limit(1))[0];

describe('changing a staff user\'s role or scope ends their access at once', () => {
  it('through the console: the next page and API call with the old session or token are refused, and it is audited', async () => {
    const nurse = await signedIn('nurseA');
    expect((await nurse.client.get('/admin/persons')).status).toBe(200);
    const admin = await signedIn('adminA');
    const page = await admin.client.get('/admin/staff');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('nursea@r.jp'); // e-mails are stored lower-case

    const res = await admin.client.form(`/admin/staff/${ids.nurseA}`, { role: 'centre_admin', jurisdictionCode: '13-311' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('セッションとAPIトークンは終了しました');
    await refused(nurse);

    const row = await lastAudit('change_role', ids.nurseA!);
    expect(row).toMatchObject({ actorId: ids.adminA, entity: 'staff_user' });
    expect(row!.details).toMatchObject({ from: { role: 'nurse' }, to: { role: 'centre_admin' }, sessionsEnded: 1, tokensRevoked: 1 });
    // Signing in again gives the new role.
    const again = await signedIn('nurseA');
    expect((await again.client.get('/admin/staff')).status).toBe(200);
  });

  it('through the API: disabling ends sessions and tokens and refuses sign-in; enabling lets them sign in again, old tokens stay dead', async () => {
    const nurse = await signedIn('nurseA2');
    const admin = await signedIn('adminA');
    const res = await admin.api('PATCH', `/api/v1/staff/${ids.nurseA2}`, { disabled: true });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ changed: true });
    await refused(nurse);
    expect((await new Client(app).signIn('nurseA2@r.jp')).status).toBe(401);
    expect(await lastAudit('disable', ids.nurseA2!)).toMatchObject({ actorId: ids.adminA, details: { sessionsEnded: 1, tokensRevoked: 1 } });

    expect((await admin.api('PATCH', `/api/v1/staff/${ids.nurseA2}`, { disabled: false })).status).toBe(200);
    expect(await lastAudit('enable', ids.nurseA2!)).toBeTruthy();
    expect((await new Client(app).signIn('nurseA2@r.jp')).status).toBe(303);
    expect((await nurse.api('GET', '/api/v1/alerts?status=open')).status).toBe(401);
  });

  it('moving a nurse between centres (a prefecture officer) ends access too; the next sign-in works in the new centre', async () => {
    const nurse = await signedIn('nurseA3');
    // The prefecture officer signs in with a second factor (two-factor.test.ts); here the verb runs as that officer.
    const prefActor = { kind: 'staff' as const, staffId: ids.pref13!, role: 'prefecture_officer' as const, jurisdictionId: null, jurisdictionPath: '/JP/13/', institutionId: null, via: 'session' as const };
    await withTransaction(deps.db, { actor: prefActor, now: deps.now() }, (ctx) => changeStaffRole({ ctx, input: { staffId: ids.nurseA3!, role: 'nurse', jurisdictionCode: '13-322' } }));
    await refused(nurse);
    const [row] = await deps.db.select({ role: staffUsers.role }).from(staffUsers).where(eq(staffUsers.id, ids.nurseA3!));
    expect(row!.role).toBe('nurse');
    expect((await lastAudit('change_role', ids.nurseA3!))!.details).toMatchObject({ from: { scope: '/JP/13/13-311/' }, to: { scope: '/JP/13/13-322/' } });
  });

  it('a promotion into a role that needs a second factor: the next sign-in asks for enrolment', async () => {
    const promoted = await makeStaff(deps, { email: 'rising@r.jp', role: 'nurse', jurisdictionCode: '13-322' });
    const before = await new Client(app).signIn('rising@r.jp');
    expect(before.headers.get('location')).toBe('/admin');
    await withTransaction(deps.db, { actor: systemActor('test'), now: deps.now() }, (ctx) => changeStaffRole({ ctx, input: { staffId: promoted, role: 'prefecture_officer', jurisdictionCode: '13' } }));
    const after = await new Client(app).signIn('rising@r.jp');
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/admin/login/totp');
  });
});

describe('who may change whom', () => {
  it('a centre_admin only within their centre, never above their own role, never themselves; a nurse not at all', async () => {
    const admin = await signedIn('adminA');
    expect((await admin.api('PATCH', `/api/v1/staff/${ids.nurseB}`, { role: 'centre_admin', jurisdictionCode: '13-322' })).status).toBe(404);
    expect((await admin.api('PATCH', `/api/v1/staff/${ids.pref13}`, { disabled: true })).status).toBe(404);
    expect((await admin.api('PATCH', `/api/v1/staff/${ids.adminA}`, { disabled: true })).status).toBe(404);
    const up = await admin.api('PATCH', `/api/v1/staff/${ids.nurseA}`, { role: 'prefecture_officer', jurisdictionCode: '13' });
    expect(up.status).toBe(422);
    expect((await up.json()).fields[0]).toMatchObject({ field: 'role', messageJa: 'ご自身より上位の役割は設定できません' });
    const away = await admin.api('PATCH', `/api/v1/staff/${ids.nurseA}`, { role: 'nurse', jurisdictionCode: '13-322' });
    expect(away.status).toBe(422);
    expect((await away.json()).fields[0].field).toBe('jurisdictionCode');
    // A clinician of an institution in the centre is within reach.
    expect((await admin.api('PATCH', `/api/v1/staff/${ids.nurseA}`, { role: 'clinician', institutionCode: 'CL-311' })).status).toBe(200);

    const nurse = await signedIn('nurseB');
    expect((await nurse.api('PATCH', `/api/v1/staff/${ids.adminA}`, { disabled: true })).status).toBe(403);
    expect((await nurse.api('GET', '/api/v1/staff')).status).toBe(403);
    expect((await nurse.client.get('/admin/staff')).status).toBe(403);
    const list = await admin.api('GET', '/api/v1/staff');
    const emails = (await list.json()).staff.map((s: { email: string }) => s.email);
    expect(emails).toContain('nursea@r.jp');
    expect(emails).not.toContain('nurseb@r.jp');
    expect(emails).not.toContain('pref13@r.jp');
  });

  it('creating staff follows the same rule: a centre_admin cannot create a national officer', async () => {
    const adminActor = { kind: 'staff' as const, staffId: ids.adminA!, role: 'centre_admin' as const, jurisdictionId: null, jurisdictionPath: '/JP/13/13-311/', institutionId: null, via: 'session' as const };
    const { createStaff } = await import('../../src/domain/staff/create-staff');
    await expect(
      withTransaction(deps.db, { actor: adminActor, now: deps.now() }, (ctx) => createStaff({ ctx, input: { email: 'boss@r.jp', displayName: 'boss', password: 'a long unusual phrase', role: 'national_officer', jurisdictionCode: 'JP' } })),
    ).rejects.toThrow(/role: cannot be above your own role/);
  });

  it('the console form answers 422 in Japanese, naming the field', async () => {
    const admin = await signedIn('adminA');
    const bad = await admin.client.form(`/admin/staff/${ids.nurseA}`, { role: 'superuser', jurisdictionCode: '13-311' });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toMatch(/data-field="role"[^>]*>[^<]*選択肢から選んでください/);
    const wrongCode = await admin.client.form(`/admin/staff/${ids.nurseA}`, { role: 'nurse', jurisdictionCode: '99-999' });
    expect(wrongCode.status).toBe(422);
    expect(await wrongCode.text()).toContain('所属の管轄コードが役割に合いません');
  });
});
