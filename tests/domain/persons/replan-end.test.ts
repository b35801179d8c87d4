import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { persons } from '../../../db/schema';
import { systemActor, withTransaction, type Ctx } from '../../../src/domain/context';
import { addTestRecord, updateTestRecord } from '../../../src/domain/persons/test-records';
import { updatePerson } from '../../../src/domain/persons/update-person';
import { extendMonitoring } from '../../../src/domain/rounds/extend-monitoring';
import { fillPlannedEnds } from '../../../src/domain/rounds/plan-monitoring-ends';
import { createCentre, createPerson } from '../../support/fixtures';
import { createTestDatabase, type TestDatabase } from '../../support/pg';

// The planned end follows the rules (confirmed: onset + 7 days; asymptomatic: first positive
// specimen + 7; close contact: last contact + 5) when a basis date is corrected, until staff
// set the end by hand.
let t: TestDatabase;
const now = new Date('2026-05-04T01:00:00Z');
beforeAll(async () => {
  t = await createTestDatabase();
  await createCentre(t.handle.db, { code: 'RP-TYO' });
});
afterAll(() => t.drop());

const plannedEnd = async (id: string) => (await t.handle.db.select().from(persons).where(eq(persons.id, id)))[0]!.monitoringPlannedEnd;
const as = <T>(fn: (ctx: Ctx) => Promise<T>) => withTransaction(t.handle.db, { actor: systemActor('test'), now }, fn);

describe('the planned end of monitoring when a basis date is corrected', () => {
  it('moves with a corrected onset date and classification, and stays where staff put it', async () => {
    const { id } = await createPerson(t.handle.db, 'RP-TYO', { onsetDate: '2026-05-01' }, now);
    await fillPlannedEnds(t.handle.db, now);
    expect(await plannedEnd(id)).toBe('2026-05-08');
    await as((ctx) => updatePerson({ ctx, input: { personId: id, fields: { onsetDate: '2026-05-03' } } }));
    expect(await plannedEnd(id)).toBe('2026-05-10');
    await as((ctx) => updatePerson({ ctx, input: { personId: id, fields: { classification: 'close_contact', lastContactDate: '2026-05-02' } } }));
    expect(await plannedEnd(id)).toBe('2026-05-07');
    await as((ctx) => updatePerson({ ctx, input: { personId: id, fields: { name: '訂正 花子' } } }));
    expect(await plannedEnd(id)).toBe('2026-05-07'); // not a basis: unchanged
    await as((ctx) => extendMonitoring({ ctx, input: { personId: id, plannedEnd: '2026-05-20' } }));
    await as((ctx) => updatePerson({ ctx, input: { personId: id, fields: { lastContactDate: '2026-05-03' } } }));
    expect(await plannedEnd(id)).toBe('2026-05-20');
  });

  it("an asymptomatic carrier's end counts from the first positive specimen, and moves when it is corrected", async () => {
    const { id } = await createPerson(t.handle.db, 'RP-TYO', { classification: 'asymptomatic' }, now);
    await fillPlannedEnds(t.handle.db, now);
    expect(await plannedEnd(id)).toBeNull(); // no specimen yet
    const test = await as((ctx) => addTestRecord({ ctx, input: { personId: id, specimenDate: '2026-05-02', method: 'pcr', result: 'positive' } }));
    expect(await plannedEnd(id)).toBe('2026-05-09');
    await as((ctx) => updateTestRecord({ ctx, input: { personId: id, testId: test.id, fields: { specimenDate: '2026-05-01' } } }));
    expect(await plannedEnd(id)).toBe('2026-05-08');
  });
});
