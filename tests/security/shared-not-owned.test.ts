import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { persons } from '../../db/schema';
import { createApp } from '../../src/app';
import { systemActor, withTransaction } from '../../src/domain/context';
import { sharePerson } from '../../src/domain/persons/transfer-person';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makeAlert, makePerson } from '../admin/fixtures';
import { bearer, ensureCentre, ensureInstitution, makeStaff, makeToken } from '../admin/support';

/**
 * Issue 19 (4, 5) as an attacker tried them through the API: a centre a person is only
 * shared with cannot take the person over, and a clinician cannot act for the centre.
 */
let deps: TestDeps;
const as: Record<string, ReturnType<typeof bearer>> = {};
let owned: string;
let reported: string;

beforeAll(async () => {
  deps = await createTestDeps({ WORKERS: 'off' });
  const app = createApp(deps);
  const a = await ensureCentre(deps, '13-731');
  await ensureCentre(deps, '13-732');
  await ensureCentre(deps, '13-733');
  await ensureInstitution(deps, 'SN-CLINIC', a);
  const staff = { ownerNurse: ['nurse', '13-731'], sharedNurse: ['nurse', '13-732'], sharedAdmin: ['centre_admin', '13-732'], pref: ['prefecture_officer', '13'] } as const;
  for (const [who, [role, code]] of Object.entries(staff)) {
    await makeStaff(deps, { email: `sn-${who}@a.jp`, role, jurisdictionCode: code });
    as[who] = bearer(app, await makeToken(deps, `sn-${who}@a.jp`));
  }
  await makeStaff(deps, { email: 'sn-doc@a.jp', role: 'clinician', institutionCode: 'SN-CLINIC' });
  as.clinician = bearer(app, await makeToken(deps, 'sn-doc@a.jp'));
  owned = await makePerson(deps, '13-731', { caseNumber: 'SN-1' });
  reported = await makePerson(deps, '13-731', { caseNumber: 'SN-2', reportingInstitutionCode: 'SN-CLINIC' });
  await withTransaction(deps.db, { actor: systemActor('test'), now: new Date() }, (ctx) => sharePerson({ ctx, input: { personId: owned, centreCode: '13-732', share: true } }));
});
afterAll(async () => deps?.close());

const centreOf = async (id: string) => (await deps.db.select({ c: persons.responsibleCentreId }).from(persons).where(eq(persons.id, id)))[0]!.c;

describe('shared is not owned', () => {
  it('a shared centre cannot transfer the person to itself (or anywhere), nor share it further; the owner keeps access', async () => {
    const before = await centreOf(owned);
    for (const who of ['sharedNurse', 'sharedAdmin']) {
      const res = await as[who]!('POST', `/api/v1/persons/${owned}/transfer`, { centreCode: '13-732' });
      expect(res.status, who).toBe(403);
      expect((await res.json()).messageJa).toContain('担当保健所');
      expect((await as[who]!('POST', `/api/v1/persons/${owned}/shares`, { centreCode: '13-733' })).status, who).toBe(403);
    }
    expect(await centreOf(owned)).toBe(before);
    expect((await as.ownerNurse!('GET', `/api/v1/persons/${owned}`)).status).toBe(200);
    expect((await as.sharedNurse!('GET', `/api/v1/persons/${owned}`)).status).toBe(200); // still shared: it sees and follows
  });

  it('the shared centre may step back (unshare itself); the responsible centre and its prefecture may transfer', async () => {
    expect((await as.sharedNurse!('DELETE', `/api/v1/persons/${owned}/shares/13-732`)).status).toBe(204);
    expect((await as.sharedNurse!('GET', `/api/v1/persons/${owned}`)).status).toBe(404);
    expect((await as.pref!('POST', `/api/v1/persons/${owned}/transfer`, { centreCode: '13-733' })).status).toBe(200);
    const other = await makePerson(deps, '13-731', { caseNumber: 'SN-3' });
    expect((await as.ownerNurse!('POST', `/api/v1/persons/${other}/transfer`, { centreCode: '13-732' })).status).toBe(200);
  });
});

describe('clinicians report and read; the centre acts', () => {
  it('a clinician cannot resolve a red alert, set the person deceased, add notes, issue a link code or send a check (403, nothing changed)', async () => {
    const alert = await makeAlert(deps, reported, { severity: 'red' });
    expect((await as.clinician!('GET', `/api/v1/persons/${reported}`)).status).toBe(200);
    const tries: [string, string, unknown][] = [
      ['POST', `/api/v1/alerts/${alert}/resolve`, { outcome: 'no_action_needed', note: 'x' }],
      ['POST', `/api/v1/alerts/${alert}/acknowledge`, {}],
      ['PATCH', `/api/v1/persons/${reported}`, { status: 'deceased' }],
      ['POST', `/api/v1/persons/${reported}/notes`, { body: 'note' }],
      ['POST', `/api/v1/persons/${reported}/link-code`, {}],
      ['POST', `/api/v1/persons/${reported}/checks`, {}],
    ];
    for (const [method, path, body] of tries) {
      const res = await as.clinician!(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((await res.json()).messageJa, path).toBe('この操作はあなたの役割では行えません');
    }
    const [row] = await deps.db.select({ status: persons.status }).from(persons).where(eq(persons.id, reported));
    expect(row!.status).not.toBe('deceased');
    // The centre's nurse does the same without trouble.
    expect((await as.ownerNurse!('POST', `/api/v1/alerts/${alert}/acknowledge`, {})).status).toBe(200);
  });
});
