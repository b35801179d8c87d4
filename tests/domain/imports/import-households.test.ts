import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowAssignments, flows, householdMembers, households, persons, staffUsers } from '../../../db/schema';
import { withTransaction, type Actor } from '../../../src/domain/context';
import { createPersonImport } from '../../../src/domain/imports/create-person-import';
import { getPersonImport } from '../../../src/domain/imports/get-person-import';
import { runPersonImport } from '../../../src/domain/imports/run-person-import';
import { startPersonImport } from '../../../src/domain/imports/start-person-import';
import { householdOf } from '../../../src/domain/households/household-members';
import { createCentre } from '../../support/fixtures';
import { createTestDatabase, type TestDatabase } from '../../support/pg';

let t: TestDatabase;
let nurse: Actor;
const now = new Date('2026-05-04T01:00:00Z');
beforeAll(async () => {
  t = await createTestDatabase();
  const centre = await createCentre(t.handle.db, { code: 'IMP-HH' });
  const [staff] = await t.handle.db.insert(staffUsers).values({ email: 'hh-import@example.jp', displayName: '取込 看護師', passwordHash: 'x', role: 'nurse', jurisdictionId: centre.id }).returning();
  nurse = { kind: 'staff', staffId: staff!.id, role: 'nurse', jurisdictionId: centre.id, jurisdictionPath: centre.path, institutionId: null, via: 'session' };
});
afterAll(() => t.drop());

const as = <T>(fn: Parameters<typeof withTransaction<T>>[2]) => withTransaction(t.handle.db, { actor: nurse, now }, fn);

async function importCsv(csv: string) {
  const { id } = await as((ctx) => createPersonImport({ ctx, input: { bytes: Buffer.from(csv, 'utf8'), fileName: 'households.csv' } }));
  await as((ctx) => startPersonImport({ ctx, input: { importId: id, dryRun: false } }));
  expect(await runPersonImport(t.handle.db, id, { now: () => now })).toEqual({ status: 'done' });
  return as((ctx) => getPersonImport({ ctx, input: { importId: id } }));
}

describe('the bulk import’s 世帯番号 column', () => {
  it('rows with one household number form one household: the first row is the reporter, the children get the children’s flow by age; a second import changes nothing', async () => {
    const csv = [
      '事例番号,氏名,生年月日,診断類型,電話番号,世帯番号,続柄',
      'HH-01,見守 花江,1990-04-01,確定,090-7777-0001,A-1,母',
      'HH-02,見守 花子,2020-12-01,確定,,A-1,子',
      'HH-03,見守 一郎,2017-06-01,濃厚接触者,,A-1,子',
      'HH-04,別居 太郎,1980-01-01,確定,090-7777-0004,,',
    ].join('\r\n');
    const state = await importCsv(csv);
    expect(state).toMatchObject({ created: 4, failed: 0 });
    const rows = await t.handle.db.select({ id: persons.id, caseNumber: persons.caseNumber }).from(persons).where(inArray(persons.caseNumber, ['HH-01', 'HH-02', 'HH-03', 'HH-04']));
    const id = Object.fromEntries(rows.map((r) => [r.caseNumber, r.id]));
    const h = await householdOf(t.handle.db, id['HH-02']!);
    expect(h).toMatchObject({ householdNumber: 'A-1', reporterPersonId: id['HH-01'] });
    expect(h!.members.map((m) => [m.name, m.relation])).toEqual([['見守 花江', '母'], ['見守 花子', '子'], ['見守 一郎', '子']]); // the reporter, then the rows' order
    expect(await householdOf(t.handle.db, id['HH-04']!)).toBeNull();
    const assigned = await t.handle.db.select({ personId: flowAssignments.personId, key: flows.key }).from(flowAssignments).innerJoin(flows, eq(flows.id, flowAssignments.flowId)).where(inArray(flowAssignments.personId, Object.values(id)));
    expect(Object.fromEntries(assigned.map((a) => [a.personId, a.key]))).toEqual({ [id['HH-01']!]: 'patient-daily', [id['HH-02']!]: 'child-daily', [id['HH-03']!]: 'child-daily', [id['HH-04']!]: 'patient-daily' });

    const again = await importCsv(csv);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 4, failed: 0 });
    expect(await t.handle.db.select().from(households)).toHaveLength(1);
    expect(await t.handle.db.select().from(householdMembers)).toHaveLength(3);
  });
});
