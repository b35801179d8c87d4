import type { Deps } from '../../src/deps';
import { systemActor, withTransaction } from '../../src/domain/context';
import { sharePerson } from '../../src/domain/persons/transfer-person';
import { makePerson } from './fixtures';
import { ensureCentre, ensureInstitution, makeStaff } from './support';

/**
 * The role × scope world of the matrix tests: centres A and B under Tokyo and one under
 * Osaka, a clinic in A, and persons a (A, reported by the clinic), b (B), osaka, and
 * shared (B's, shared with A). VISIBLE says which persons each role's staff user sees.
 */
export const VISIBLE: Record<string, string[]> = {
  nurseA: ['a', 'shared'],
  adminA: ['a', 'shared'],
  nurseB: ['b', 'shared'],
  pref13: ['a', 'b', 'shared'],
  national: ['a', 'b', 'shared', 'osaka'],
  clinicianX: ['a'],
};

export interface ScopeWorld {
  /** Person ids by key (a, b, osaka, shared). */
  P: Record<string, string>;
  /** Staff e-mails by VISIBLE's keys. */
  emails: Record<string, string>;
}

/** Build the world with centre codes `<a>`, `<b>` (Tokyo) and `<osaka>`, e-mails `<prefix>nurse-a@m.jp` …, and extra person fields by key. */
export async function buildScopeWorld(
  deps: Deps,
  o: { a: string; b: string; osaka: string; clinic: string; emailPrefix?: string; person?: Record<string, Record<string, unknown>> },
): Promise<ScopeWorld> {
  const centreA = await ensureCentre(deps, o.a);
  await ensureCentre(deps, o.b);
  await ensureCentre(deps, o.osaka, '大阪の保健所', '27');
  await ensureInstitution(deps, o.clinic, centreA);
  const pre = o.emailPrefix ?? '';
  const emails = { nurseA: `${pre}nurse-a@m.jp`, adminA: `${pre}admin-a@m.jp`, nurseB: `${pre}nurse-b@m.jp`, pref13: `${pre}pref@m.jp`, national: `${pre}nat@m.jp`, clinicianX: `${pre}doc@m.jp` };
  await makeStaff(deps, { email: emails.nurseA, role: 'nurse', jurisdictionCode: o.a });
  await makeStaff(deps, { email: emails.adminA, role: 'centre_admin', jurisdictionCode: o.a });
  await makeStaff(deps, { email: emails.nurseB, role: 'nurse', jurisdictionCode: o.b });
  await makeStaff(deps, { email: emails.pref13, role: 'prefecture_officer', jurisdictionCode: '13' });
  await makeStaff(deps, { email: emails.national, role: 'national_officer', jurisdictionCode: 'JP' });
  await makeStaff(deps, { email: emails.clinicianX, role: 'clinician', institutionCode: o.clinic });
  const extra = (key: string) => o.person?.[key] ?? {};
  const P: Record<string, string> = {};
  P.a = await makePerson(deps, o.a, { name: 'エー 患者', reportingInstitutionCode: o.clinic, ...extra('a') });
  P.b = await makePerson(deps, o.b, { name: 'ビー 患者', ...extra('b') });
  P.osaka = await makePerson(deps, o.osaka, { name: 'オオサカ 患者', ...extra('osaka') });
  P.shared = await makePerson(deps, o.b, { name: 'シェア 患者', ...extra('shared') });
  await withTransaction(deps.db, { actor: systemActor('test'), now: new Date() }, (ctx) => sharePerson({ ctx, input: { personId: P.shared!, centreCode: o.a, share: true } }));
  return { P, emails };
}
