import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, checkSessions } from '../../db/schema';
import { systemActor, withTransaction } from '../../src/domain/context';
import { addFacilityResident, createFacility } from '../../src/domain/facilities/facility-verbs';
import { createHousehold } from '../../src/domain/households/household-verbs';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPerson } from '../support/fixtures';

const AT = new Date('2026-03-10T00:00:00Z'); // 09:00 in Tokyo

describe('rounds of households and facilities', () => {
  let deps: TestDeps;
  let centreId: string;
  beforeAll(async () => {
    deps = await createTestDeps();
    centreId = (await createCentre(deps.db, { code: 'hh-r' })).id;
  });
  afterAll(async () => deps.close());

  it("a dependent's round rides on the reporter's (not dispatched, no reminder chain, the reporter's channel); a resident's on the facility page; neither is reported as not sent", async () => {
    const tx = <T>(fn: Parameters<typeof withTransaction<T>>[2]) => withTransaction(deps.db, { actor: systemActor('test'), now: AT }, fn);
    const { id: mother } = await createPerson(deps.db, 'hh-r', { preferredChannel: 'sms', phone: '090-3333-0001', roundTimes: ['09:00'] }, AT);
    const { id: child } = await createPerson(deps.db, 'hh-r', { dateOfBirth: '2021-04-01', preferredChannel: 'line', roundTimes: ['09:00'] }, AT);
    const { id: resident } = await createPerson(deps.db, 'hh-r', { dateOfBirth: '1938-04-01' }, AT);
    await tx((ctx) => createHousehold({ ctx, input: { reporterPersonId: mother, members: [{ personId: child, relation: '子' }] } }));
    const { id: facilityId } = await tx((ctx) => createFacility({ ctx, input: { responsibleCentreId: centreId, kind: 'group_home', name: 'ひだまり', roundTimes: ['09:00'] } }));
    await tx((ctx) => addFacilityResident({ ctx, input: { facilityId, personId: resident } }));

    await runTick(deps, AT);
    const rows = await deps.db.select().from(checkSessions).where(inArray(checkSessions.personId, [mother, child, resident]));
    const by = Object.fromEntries(rows.map((r) => [r.personId, r]));
    expect(by[mother]).toMatchObject({ source: 'schedule', channel: 'sms', status: 'pending' });
    expect(by[mother]!.nextActionAt).not.toBeNull();
    expect(by[child]).toMatchObject({ source: 'household', channel: 'sms', status: 'pending', nextActionAt: null });
    expect(by[resident]).toMatchObject({ source: 'facility', channel: 'web', status: 'pending', nextActionAt: null });

    await runTick(deps, new Date('2026-03-10T15:00:00Z')); // the local day is over
    const closed = await deps.db.select().from(checkSessions).where(inArray(checkSessions.personId, [mother, child, resident]));
    expect(closed.every((s) => s.status === 'missed')).toBe(true);
    const raised = await deps.db.select().from(alerts).where(inArray(alerts.personId, [mother, child, resident]));
    // The reporter's own round (never sent here: no worker) is told to the centre; the child's
    // is not; the facility's round page never submitted is ONE facility alert, not the resident's own.
    expect(raised.map((a) => [a.personId, a.reason]).sort()).toEqual([[mother, 'not_sent'], [resident, 'facility_non_responder']].sort());
    await runTick(deps, new Date('2026-03-10T15:01:00Z'));
    expect(await deps.db.select().from(alerts).where(inArray(alerts.personId, [mother, child, resident]))).toHaveLength(2); // once
  });
});
