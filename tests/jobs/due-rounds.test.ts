import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';

// Rounds are local times resolved in each health centre's zone, never the server's (TZ=UTC here).
describe('due rounds', () => {
  let deps: TestDeps;
  let tokyo: string;
  let newYork: string;
  beforeAll(async () => {
    // The round at its own time (a round prepared ahead, ROUND_PREPARE_MINUTES, is tests/jobs/round-prepare.test.ts).
    deps = await createTestDeps({ ROUND_PREPARE_MINUTES: '0' });
    tokyo = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    newYork = (await createCentre(deps.db, 'America/New_York')).id;
  });
  afterAll(async () => deps.close());

  it('creates the 09:00 round at 09:00 Tokyo time, with the 15:00 round as its end', async () => {
    const [p] = await createPersons(deps.db, { centreId: tokyo });
    await runTick(deps, new Date('2026-03-09T23:59:00Z')); // 08:59 JST on the 10th
    expect(await sessionsOf(deps.db, [p!])).toHaveLength(0);
    await runTick(deps, new Date('2026-03-10T00:00:00Z')); // 09:00 JST
    const [s] = await sessionsOf(deps.db, [p!]);
    expect(s).toMatchObject({ local_date: '2026-03-10', round: '09:00', status: 'pending', channel: 'line' });
    expect(s!.due_at.toISOString()).toBe('2026-03-10T00:00:00.000Z');
    expect(s!.expires_at.toISOString()).toBe('2026-03-10T06:00:00.000Z'); // 15:00 JST
    await runTick(deps, new Date('2026-03-10T06:00:00Z'));
    const after = await sessionsOf(deps.db, [p!]);
    expect(after.map((x) => [x.round, x.status])).toEqual([
      ['09:00', 'missed'], // never dispatched (no worker here): closed, not sent late
      ['15:00', 'pending'],
    ]);
    expect(after[1]!.expires_at.toISOString()).toBe('2026-03-10T15:00:00.000Z'); // end of the local day
  });

  it('follows daylight saving time in New York: 09:00 is 14:00 UTC before the change and 13:00 after', async () => {
    const [p] = await createPersons(deps.db, { centreId: newYork, roundTimes: ['09:00'], classification: 'close_contact' });
    await runTick(deps, new Date('2026-03-07T14:00:00Z')); // Saturday 09:00 EST
    await runTick(deps, new Date('2026-03-08T12:59:00Z')); // Sunday 08:59 EDT (DST began 02:00 local)
    let rows = await sessionsOf(deps.db, [p!]);
    expect(rows.map((r) => r.local_date)).toEqual(['2026-03-07']);
    expect(rows[0]!.due_at.toISOString()).toBe('2026-03-07T14:00:00.000Z');
    await runTick(deps, new Date('2026-03-08T13:00:00Z')); // Sunday 09:00 EDT
    rows = await sessionsOf(deps.db, [p!]);
    expect(rows.map((r) => r.local_date)).toEqual(['2026-03-07', '2026-03-08']);
    expect(rows[1]!.due_at.toISOString()).toBe('2026-03-08T13:00:00.000Z');
    // The local day of 8 March has 23 hours: it ends at 04:00 UTC on the 9th.
    expect(rows[1]!.expires_at.toISOString()).toBe('2026-03-09T04:00:00.000Z');
  });

  it('resolves the same instant to each zone: Tokyo morning round, New York afternoon round', async () => {
    const [t] = await createPersons(deps.db, { centreId: tokyo });
    const [n] = await createPersons(deps.db, { centreId: newYork });
    await runTick(deps, new Date('2026-03-11T00:30:00Z')); // 09:30 JST on the 11th; 20:30 EDT on the 10th
    expect((await sessionsOf(deps.db, [t!])).map((r) => [r.local_date, r.round])).toEqual([['2026-03-11', '09:00']]);
    expect((await sessionsOf(deps.db, [n!])).map((r) => [r.local_date, r.round])).toEqual([['2026-03-10', '15:00']]);
  });

  it('creates nothing new on a second tick, nor in two ticks running at once', async () => {
    const ids = await createPersons(deps.db, { centreId: tokyo, count: 50 });
    const at = new Date('2026-03-12T00:01:00Z');
    const [a, b] = await Promise.all([runTick(deps, at), runTick(deps, at)]);
    const again = await runTick(deps, at);
    expect(await sessionsOf(deps.db, ids)).toHaveLength(50);
    expect(again.created).toBe(0);
    expect(a.created + b.created).toBeGreaterThanOrEqual(50);
  });

  it('gives no round to persons hospitalized, ended or past their planned end, nor before the start', async () => {
    const hospitalized = await createPersons(deps.db, { centreId: tokyo, status: 'hospitalized' });
    const ended = await createPersons(deps.db, { centreId: tokyo, status: 'monitoring_ended' });
    const past = await createPersons(deps.db, { centreId: tokyo, plannedEnd: '2026-03-12' });
    const future = await createPersons(deps.db, { centreId: tokyo, monitoringStart: '2026-03-14' });
    await deps.db.execute(sql`update flow_assignments set active = false where person_id = ${past[0]!}`); // and inactive
    await runTick(deps, new Date('2026-03-13T00:00:00Z'));
    expect(await sessionsOf(deps.db, [...hospitalized, ...ended, ...past, ...future])).toHaveLength(0);
  });

  it('holds SMS and calls in quiet hours until 08:00 local; LINE goes at once', async () => {
    const [sms] = await createPersons(deps.db, { centreId: tokyo, channel: 'sms', roundTimes: ['07:00'] });
    const [line] = await createPersons(deps.db, { centreId: tokyo, channel: 'line', roundTimes: ['07:00'] });
    const early = await runTick(deps, new Date('2026-03-13T22:00:00Z')); // 07:00 JST on the 14th
    expect(early.createdWaitingForQuietHours).toBeGreaterThanOrEqual(1);
    const [s] = await sessionsOf(deps.db, [sms!]);
    expect(s!.next_action_at!.toISOString()).toBe('2026-03-13T23:00:00.000Z'); // 08:00 JST
    const [l] = await sessionsOf(deps.db, [line!]);
    expect(l!.next_action_at!.getTime()).toBeGreaterThan(new Date('2026-03-13T22:00:00Z').getTime());
    const q = deps.jobs.queue('dispatch-sms');
    expect(await q.getJob(`dispatch_sms_prompt_${s!.id}`)).toBeUndefined();
    expect(await deps.jobs.queue('dispatch-line').getJobCountByTypes('waiting', 'prioritized')).toBeGreaterThan(0);
    const at8 = await runTick(deps, new Date('2026-03-13T23:00:00Z'));
    expect(at8.resent).toBeGreaterThanOrEqual(1);
    expect(await q.getJob(`dispatch_sms_prompt_${s!.id}`)).toBeDefined();
  });

  it('computes due rounds for a whole round in one statement', async () => {
    const ids = await createPersons(deps.db, { centreId: tokyo, count: 3000, classification: 'close_contact' });
    const s = await runTick(deps, new Date('2026-03-15T00:00:00Z'));
    expect(s.created).toBeGreaterThanOrEqual(3000);
    const [n] = await queryRows<{ n: number }>(deps.db, sql`select count(*)::int as n from check_sessions where person_id = any(${`{${ids.join(',')}}`}::uuid[])`);
    expect(n!.n).toBe(3000);
    // 3,000 LINE people on one flow version, one round: 6 multicast jobs of 500.
    expect(s.dispatchJobs).toBeGreaterThanOrEqual(6);
  });
});
