import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { auditLog, flowAssignments, flows, householdMembers, households, persons, staffUsers } from '../../../db/schema';
import { setHouseholdContact } from '../../../src/domain/households/household-contact';
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

  it('a 「報告者」 row without 患者ID and 診断類型 becomes the household’s reporter contact, not a person; the children are its members', async () => {
    const before = await t.handle.db.select({ id: persons.id }).from(persons);
    const csv = [
      '事例番号,氏名,生年月日,診断類型,電話番号,世帯番号,続柄',
      ',見守 花江,,,090-7777-1001,B-1,報告者',
      'HB-02,見守 花子,2020-12-01,確定,,B-1,子',
      'HB-03,見守 一郎,2017-06-01,濃厚接触者,,B-1,子',
      ',名無し,,,090-7777-1002,B-2,報告者',
      ',見守 番号違い,,,12,B-3,報告者',
    ].join('\r\n');
    const state = await importCsv(csv);
    // The B-3 contact's number is no phone number: that row is refused (at its cell), the others are in.
    expect(state).toMatchObject({ created: 4, failed: 1 });
    const after = await t.handle.db.select({ id: persons.id, name: persons.name }).from(persons);
    expect(after.length - before.length).toBe(2); // the two children only: a contact is never a person
    const added = after.filter((p) => !before.some((b) => b.id === p.id)).map((p) => p.name);
    expect(added.sort()).toEqual(['見守 一郎', '見守 花子']);
    const [h] = await t.handle.db.select().from(households).where(eq(households.householdNumber, 'B-1'));
    expect(h).toMatchObject({ reporterPersonId: null, contactName: '見守 花江', contactChannel: 'sms', contactAddress: '+819077771001', contactLanguage: 'ja' });
    const [hanako] = await t.handle.db.select().from(persons).where(eq(persons.caseNumber, 'HB-02'));
    const view = await householdOf(t.handle.db, hanako!.id);
    expect(view!.contact).toMatchObject({ name: '見守 花江', channel: 'sms', address: '090-7777-1001' });
    expect(view!.members.map((m) => [m.name, m.relation])).toEqual([['見守 花子', '子'], ['見守 一郎', '子']]);
    expect(state.errors.map((e) => [e.row, e.field])).toEqual([[6, 'phone']]);

    const again = await importCsv(csv);
    expect(again).toMatchObject({ created: 0, unchanged: 4, failed: 1 });
    expect(await t.handle.db.select().from(households).where(eq(households.householdNumber, 'B-1'))).toHaveLength(1);
  });

  it('staff set a reporter contact on a household: any dash form of a phone is accepted and shown domestic, a bad one is refused, the change is audited', async () => {
    const csv = ['事例番号,氏名,生年月日,診断類型,電話番号,世帯番号,続柄', 'HC-01,見守 次郎,2019-01-01,確定,,C-1,子'].join('\r\n');
    await importCsv(csv);
    const [child] = await t.handle.db.select().from(persons).where(eq(persons.caseNumber, 'HC-01'));
    const h = await householdOf(t.handle.db, child!.id);
    const set = (contact: unknown) => as((ctx) => setHouseholdContact({ ctx, input: { householdId: h!.id, contact } }));
    await expect(set({ name: '見守 花江', relation: '母', channel: 'voice', address: '090-1234' })).rejects.toMatchObject({ fields: [{ field: 'address' }] });
    await expect(set({ name: '', channel: 'sms', address: '090-1234-5678' })).rejects.toMatchObject({ fields: [{ field: 'name' }] });
    const { contact } = await set({ name: '見守 花江', relation: '母', language: 'vi', channel: 'sms', address: '０９０ー１２３４ー５６７８' });
    expect(contact).toEqual({ name: '見守 花江', relation: '母', language: 'vi', channel: 'sms', address: '090-1234-5678' });
    const [row] = await t.handle.db.select().from(households).where(eq(households.id, h!.id));
    expect(row!.contactAddress).toBe('+819012345678');
    const audits = await t.handle.db.select().from(auditLog).where(and(eq(auditLog.entityId, h!.id), eq(auditLog.action, 'update')));
    expect(audits).toHaveLength(1);
    expect(JSON.stringify(audits[0]!.details)).not.toContain('1234'); // field names, never the number
    // A LINE contact: a phone or none — never a LINE user id typed by staff (her link code sets it).
    await expect(set({ name: '見守 花江', channel: 'line', address: `U${'ab'.repeat(16)}` })).rejects.toMatchObject({ fields: [{ field: 'address' }] });
    expect((await set({ name: '見守 花江', channel: 'line', address: '090-1234-5678' })).contact).toEqual({ name: '見守 花江', relation: null, language: 'ja', channel: 'line', address: '090-1234-5678' });
    expect((await set({ name: '見守 花江', channel: 'line', address: '' })).contact).toMatchObject({ channel: 'line', address: null });
  });
});
