import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPossibleDuplicates } from '../../../src/domain/persons/find-possible-duplicates';
import { createCentre, createPerson } from '../../support/fixtures';
import { createTestDatabase, type TestDatabase } from '../../support/pg';

let t: TestDatabase;
let centreA: string;
let centreB: string;
let yamada: string;
let household: string;
beforeAll(async () => {
  t = await createTestDatabase();
  centreA = (await createCentre(t.handle.db, { code: 'DUP-A' })).id;
  centreB = (await createCentre(t.handle.db, { code: 'DUP-B' })).id;
  yamada = (await createPerson(t.handle.db, 'DUP-A', { name: '山田 太郎', nameKana: 'ヤマダ タロウ', dateOfBirth: '1948-04-01' })).id;
  household = (await createPerson(t.handle.db, 'DUP-A', { name: '佐藤 花子', nameKana: 'サトウ ハナコ', phone: '090-1111-2222' })).id;
  await createPerson(t.handle.db, 'DUP-B', { name: '山田 太郎', nameKana: 'ヤマダタロウ', dateOfBirth: '1948-04-01' });
});
afterAll(() => t.drop());

describe('findPossibleDuplicates', () => {
  it('finds the same kana name in any width or script with the same birth date, within the centres given', async () => {
    const found = await findPossibleDuplicates(t.handle.db, { scopeCentreIds: [centreA], kanaName: 'やまだ　たろう', birthDate: '1948-04-01' });
    expect(found.map((p) => [p.id, p.matchedBy])).toEqual([[yamada, ['kana_and_birth_date']]]);
    const halfWidth = await findPossibleDuplicates(t.handle.db, { scopeCentreIds: [centreA, centreB], kanaName: 'ﾔﾏﾀﾞﾀﾛｳ', birthDate: '1948-04-01' });
    expect(halfWidth).toHaveLength(2);
  });

  it('needs both kana and birth date: the same name born another day is not a candidate', async () => {
    expect(await findPossibleDuplicates(t.handle.db, { scopeCentreIds: [centreA], kanaName: 'ヤマダタロウ', birthDate: '1950-01-01' })).toEqual([]);
    expect(await findPossibleDuplicates(t.handle.db, { scopeCentreIds: [centreA], kanaName: 'ヤマダタロウ' })).toEqual([]);
  });

  it('finds the same phone alone, leaves out excluded persons, and returns nothing without a scope', async () => {
    const found = await findPossibleDuplicates(t.handle.db, { scopeCentreIds: [centreA], phoneE164: '+819011112222' });
    expect(found.map((p) => [p.id, p.matchedBy])).toEqual([[household, ['phone']]]);
    expect(await findPossibleDuplicates(t.handle.db, { scopeCentreIds: [centreA], phoneE164: '+819011112222', excludePersonIds: [household] })).toEqual([]);
    expect(await findPossibleDuplicates(t.handle.db, { scopeCentreIds: [], phoneE164: '+819011112222' })).toEqual([]);
    expect(await findPossibleDuplicates(t.handle.db, { scopeCentreIds: [centreB], phoneE164: '+819011112222' })).toEqual([]);
  });
});
