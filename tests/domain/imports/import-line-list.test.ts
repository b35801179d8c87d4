import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, flowAssignments, jurisdictions, personChannels, personDuplicateCandidates, personImportPersons, persons, personSharedCentres, personStatusHistory, staffUsers, testRecords } from '../../../db/schema';
import { withTransaction, type Actor } from '../../../src/domain/context';
import { createPersonImport } from '../../../src/domain/imports/create-person-import';
import { getPersonImport, personImportErrorReport } from '../../../src/domain/imports/get-person-import';
import { runPersonImport } from '../../../src/domain/imports/run-person-import';
import { startPersonImport } from '../../../src/domain/imports/start-person-import';
import { createCentre } from '../../support/fixtures';
import { lineListCsv } from '../../support/line-list';
import { createTestDatabase, type TestDatabase } from '../../support/pg';

let t: TestDatabase;
let nurse: Actor;
const now = new Date('2026-05-04T01:00:00Z');
beforeAll(async () => {
  t = await createTestDatabase();
  const centre = await createCentre(t.handle.db, { code: 'IMP-TYO' });
  const [staff] = await t.handle.db.insert(staffUsers).values({ email: 'import-nurse@example.jp', displayName: '取込 看護師', passwordHash: 'x', role: 'nurse', jurisdictionId: centre.id }).returning();
  nurse = { kind: 'staff', staffId: staff!.id, role: 'nurse', jurisdictionId: centre.id, jurisdictionPath: centre.path, institutionId: null, via: 'session' };
});
afterAll(() => t.drop());

const as = <T>(fn: Parameters<typeof withTransaction<T>>[2]) => withTransaction(t.handle.db, { actor: nurse, now }, fn);

async function importFile(bytes: Buffer, dryRun = false) {
  const { id } = await as((ctx) => createPersonImport({ ctx, input: { bytes, fileName: 'line-list.csv' } }));
  await as((ctx) => startPersonImport({ ctx, input: { importId: id, dryRun } }));
  expect(await runPersonImport(t.handle.db, id, { now: () => now })).toEqual({ status: 'done' });
  return as((ctx) => getPersonImport({ ctx, input: { importId: id } }));
}

const countPersons = async () => Number((await t.handle.db.select({ n: sql<number>`count(*)` }).from(persons))[0]!.n);

describe('importing 1,000 persons from a Shift_JIS CSV saved by Excel', () => {
  // Rows 10 (a date that does not exist), 500 (not a phone number) and 998 (no name).
  const bytes = lineListCsv(1000, { bad: { 10: 'date', 500: 'phone', 998: 'name' } });

  it('a dry run counts what would happen and stores nothing', async () => {
    const state = await importFile(lineListCsv(60, { prefix: 'DRY', bad: { 10: 'date', 30: 'phone', 59: 'name' } }), true);
    expect(state).toMatchObject({ status: 'done', dryRun: true, total: 60, created: 57, updated: 0, failed: 3 });
    expect(await countPersons()).toBe(0);
  }, 400_000);

  it('creates 997 persons and reports the three bad rows with row, column and a Japanese message', async () => {
    const state = await importFile(bytes);
    expect(state).toMatchObject({ status: 'done', dryRun: false, total: 1000, processed: 1000, created: 997, updated: 0, unchanged: 0, failed: 3 });
    expect(state.errors.map((e) => [e.row, e.field, e.column])).toEqual([
      [12, 'dateOfBirth', '生年月日'],
      [502, 'phone', '電話番号'],
      [1000, 'name', '氏名'],
    ]);
    for (const e of state.errors) expect(e.messageJa).toMatch(/[ぁ-ん]/);
    expect(await countPersons()).toBe(997);
    // 生年月日 in era forms, phones with IME dashes, channels and the specimen date as a test record.
    const [first] = await t.handle.db.select().from(persons).where(eq(persons.caseNumber, 'IMP-000000'));
    expect(first).toMatchObject({ name: '山田 太郎0', dateOfBirth: '1930-01-01', phone: '+819010000000', classification: 'confirmed', preferredChannel: 'line', sex: 'female' });
    const [contact] = await t.handle.db.select().from(persons).where(eq(persons.caseNumber, 'IMP-000003'));
    expect(contact).toMatchObject({ classification: 'close_contact', status: 'close_contact', dateOfBirth: '1996-04-04' });
    const tests = await t.handle.db.select().from(testRecords).where(eq(testRecords.personId, first!.id));
    expect(tests).toMatchObject([{ specimenDate: '2026-05-02', result: 'positive' }]);
    // One audit row for the import: who, the file's hash and the counts, never the data.
    const [audit] = await t.handle.db.select().from(auditLog).where(and(eq(auditLog.entity, 'person_import'), eq(auditLog.action, 'import'), eq(auditLog.entityId, state.id)));
    expect(audit).toMatchObject({ actorId: (nurse as { staffId: string }).staffId, details: { sha256: state.fileSha256, total: 1000, created: 997, failed: 3 } });
    expect(JSON.stringify(audit!.details)).not.toMatch(/太郎|\+81/);
    // The error report as CSV, for Excel.
    const report = await as((ctx) => personImportErrorReport({ ctx, input: { importId: state.id } }));
    const text = report.bytes.toString('utf8');
    expect(text.split('\r\n')[1]).toMatch(/^12,生年月日,dateOfBirth,/);
    expect(text).not.toContain('2月30日');
  }, 400_000);

  it('a second import of the same file changes nothing', async () => {
    const before = await t.handle.db.select({ n: sql<number>`count(*)` }).from(auditLog).where(eq(auditLog.entity, 'person'));
    const state = await importFile(bytes);
    expect(state).toMatchObject({ status: 'done', created: 0, updated: 0, unchanged: 997, failed: 3 });
    expect(await countPersons()).toBe(997);
    const after = await t.handle.db.select({ n: sql<number>`count(*)` }).from(auditLog).where(eq(auditLog.entity, 'person'));
    expect(after).toEqual(before);
    expect(await t.handle.db.select().from(personImportPersons).where(eq(personImportPersons.importId, state.id))).toEqual([]);
  }, 400_000);

  it('a row whose case number exists updates that person, never a duplicate', async () => {
    const changed = Buffer.from(`事例番号,氏名,診断類型,住所\r\nIMP-000001,鈴木 太郎1,患者,大阪府大阪市\r\n`, 'utf8');
    const state = await importFile(changed);
    expect(state).toMatchObject({ created: 0, updated: 1, failed: 0 });
    const rows = await t.handle.db.select().from(persons).where(eq(persons.caseNumber, 'IMP-000001'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ address: '大阪府大阪市', dateOfBirth: '1994-02-02' });
  });
});

describe('a chunk written set-based keeps the row-by-row rules', () => {
  const header = '事例番号,氏名,フリガナ,生年月日,電話番号,診断類型,検体採取日\r\n';
  it('a case number twice in one file: created once, then updated; a future specimen date refuses its row alone', async () => {
    const file = Buffer.from(
      header +
        'SET-1,青木 一郎,アオキ イチロウ,昭和40年1月2日,090-5555-0001,無症状病原体保有者,令和8年5月1日\r\n' +
        'SET-2,青木 二郎,アオキ ジロウ,昭和41年1月2日,090-5555-0002,患者,令和9年5月1日\r\n' +
        'SET-1,青木 一郎,アオキ イチロウ,昭和40年1月2日,090-5555-0009,無症状病原体保有者,令和8年5月1日\r\n' +
        'SET-3,青木 三郎,アオキ サブロウ,昭和42年1月2日,,濃厚接触者,\r\n',
      'utf8',
    );
    const state = await importFile(file);
    expect(state).toMatchObject({ total: 4, created: 2, updated: 1, failed: 1 });
    expect(state.errors.map((e) => [e.row, e.field, e.column])).toEqual([[3, 'specimenDate', '検体採取日']]);
    expect(state.errors[0]!.messageJa).toContain('未来の日付');
    const [one] = await t.handle.db.select().from(persons).where(eq(persons.caseNumber, 'SET-1'));
    expect(one).toMatchObject({ phone: '+819055550009', status: 'home_recuperation', dateOfBirth: '1965-01-02' });
    expect(await t.handle.db.select({ n: sql<number>`count(*)::int` }).from(persons).where(eq(persons.caseNumber, 'SET-2'))).toEqual([{ n: 0 }]);
    // What registerPerson writes for each new person: status history, flow and rounds, SMS and voice channels, audit rows.
    const [three] = await t.handle.db.select().from(persons).where(eq(persons.caseNumber, 'SET-3'));
    expect(three).toMatchObject({ classification: 'close_contact', status: 'close_contact', monitoringStart: '2026-05-04' });
    expect(await t.handle.db.select({ status: personStatusHistory.status }).from(personStatusHistory).where(eq(personStatusHistory.personId, three!.id))).toEqual([{ status: 'close_contact' }]);
    expect(await t.handle.db.select({ roundTimes: flowAssignments.roundTimes }).from(flowAssignments).where(eq(flowAssignments.personId, three!.id))).toEqual([{ roundTimes: ['09:00'] }]);
    expect((await t.handle.db.select({ kind: personChannels.kind, address: personChannels.address }).from(personChannels).where(eq(personChannels.personId, one!.id))).sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
      { kind: 'sms', address: '+819055550009' },
      { kind: 'voice', address: '+819055550009' },
    ]);
    expect(await t.handle.db.select().from(personChannels).where(eq(personChannels.personId, three!.id))).toEqual([]);
    const creates = await t.handle.db.select({ entity: auditLog.entity }).from(auditLog).where(and(eq(auditLog.action, 'create'), eq(auditLog.personId, one!.id)));
    expect(creates.map((a) => a.entity).sort()).toEqual(['person', 'test_record']);
    // A carrier's positive specimen date plans the end of monitoring (7 days on), as addTestRecord does.
    expect(one!.monitoringPlannedEnd).toBe('2026-05-08');
  });

  it('lists possible duplicates within the file (a later row against an earlier one) and against persons already there', async () => {
    const file = Buffer.from(
      header +
        'DUP-1,青木 四郎,アオキ シロウ,昭和45年3月3日,090-5555-1001,患者,\r\n' +
        'DUP-2,青木 四郎,あおき しろう,1970/3/3,090-5555-1002,患者,\r\n' +
        'DUP-3,別人,ベツジン,1980/1/1,090-5555-0009,患者,\r\n',
      'utf8',
    );
    const state = await importFile(file);
    expect(state).toMatchObject({ created: 3, failed: 0 });
    const ids = Object.fromEntries((await t.handle.db.select({ id: persons.id, c: persons.caseNumber }).from(persons)).map((p) => [p.c, p.id]));
    const found = await t.handle.db.select().from(personDuplicateCandidates).where(eq(personDuplicateCandidates.importId, state.id));
    expect(found.map((d) => [d.personId, d.candidateId, d.reasons]).sort()).toEqual(
      [
        [ids['DUP-2'], ids['DUP-1'], ['kana_and_birth_date']],
        [ids['DUP-3'], ids['SET-1'], ['phone']],
      ].sort(),
    );
  });
});

describe('居住地管轄 in an import', () => {
  it('a person living in another centre\'s municipality goes to that centre, shared with the importing one; the same file again changes nothing', async () => {
    const other = await createCentre(t.handle.db, { code: 'IMP-NKN' });
    await t.handle.db.update(jurisdictions).set({ municipalities: ['中野区'] }).where(eq(jurisdictions.id, other.id));
    const file = Buffer.from('事例番号,氏名,診断類型,住所\r\nRES-1,中野 一郎,患者,東京都中野区中央1-1\r\nRES-2,港 二郎,患者,東京都港区芝1-1\r\nRES-3,不明 三郎,患者,中野区中央2-2\r\n', 'utf8');
    expect(await importFile(file)).toMatchObject({ created: 3, failed: 0 });
    const rows = await t.handle.db.select({ c: persons.caseNumber, centre: persons.responsibleCentreId, id: persons.id }).from(persons).where(sql`${persons.caseNumber} like 'RES-%'`).orderBy(persons.caseNumber);
    const home = rows[1]!.centre;
    expect(rows.map((r) => r.centre)).toEqual([other.id, home, home]);
    expect(home).not.toBe(other.id);
    expect(await t.handle.db.select({ j: personSharedCentres.jurisdictionId }).from(personSharedCentres).where(eq(personSharedCentres.personId, rows[0]!.id))).toEqual([{ j: home }]);
    expect(await importFile(file)).toMatchObject({ created: 0, updated: 0, unchanged: 3, failed: 0 });
    const changed = Buffer.from('事例番号,氏名,診断類型,住所\r\nRES-1,中野 一郎,疑似症,東京都中野区中央1-1\r\n', 'utf8');
    expect(await importFile(changed)).toMatchObject({ created: 0, updated: 1 });
    expect(await t.handle.db.select({ n: sql<number>`count(*)::int` }).from(persons).where(eq(persons.caseNumber, 'RES-1'))).toEqual([{ n: 1 }]);
  });
});
