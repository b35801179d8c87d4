import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { persons } from '../../../db/schema';
import { systemActor, withTransaction } from '../../../src/domain/context';
import { changePersonStatus } from '../../../src/domain/persons/change-person-status';
import { createCentre, createPerson } from '../../support/fixtures';
import { createTestDatabase, type TestDatabase } from '../../support/pg';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await createCentre(t.handle.db, { code: 'LD-TYO' }); // Asia/Tokyo, UTC+9
  await createCentre(t.handle.db, { code: 'LD-HNL', timeZone: 'Pacific/Honolulu' }); // UTC-10
});
afterAll(() => t.drop());

const row = async (id: string) => (await t.handle.db.select().from(persons).where(eq(persons.id, id)))[0]!;
const changeStatus = (personId: string, status: string, now: Date) =>
  withTransaction(t.handle.db, { actor: systemActor('test'), now }, (ctx) => changePersonStatus({ ctx, input: { personId, status } }));

describe("a person's dates are the health centre's local date, not UTC", () => {
  it('registered at 08:30 in Tokyo (23:30 UTC the day before): monitoring starts today in Tokyo', async () => {
    const { id } = await createPerson(t.handle.db, 'LD-TYO', {}, new Date('2026-03-09T23:30:00Z'));
    expect((await row(id)).monitoringStart).toBe('2026-03-10');
  });

  it('admitted at 01:00 in Tokyo, discharged and deceased likewise: the dates are Tokyo dates', async () => {
    const { id } = await createPerson(t.handle.db, 'LD-TYO', { status: 'home_recuperation' }, new Date('2026-03-10T03:00:00Z'));
    await changeStatus(id, 'hospitalized', new Date('2026-03-10T16:00:00Z')); // 2026-03-11 01:00 JST
    expect((await row(id)).admissionDate).toBe('2026-03-11');
    await changeStatus(id, 'home_recuperation', new Date('2026-03-14T15:30:00Z')); // 2026-03-15 00:30 JST
    expect((await row(id)).dischargeDate).toBe('2026-03-15');
    await changeStatus(id, 'deceased', new Date('2026-03-20T20:00:00Z')); // 2026-03-21 05:00 JST
    expect((await row(id)).dateOfDeath).toBe('2026-03-21');
  });

  it("uses the centre's own zone (a centre behind UTC is still on the previous day)", async () => {
    const { id } = await createPerson(t.handle.db, 'LD-HNL', {}, new Date('2026-03-10T05:00:00Z')); // 2026-03-09 19:00 HST
    expect((await row(id)).monitoringStart).toBe('2026-03-09');
    await changeStatus(id, 'hospitalized', new Date('2026-03-10T09:00:00Z')); // 2026-03-09 23:00 HST
    expect((await row(id)).admissionDate).toBe('2026-03-09');
  });
});
