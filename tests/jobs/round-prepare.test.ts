import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOpenSession } from '../../src/domain/checks/find-open-session';
import { runDispatch, type DispatchPayload } from '../../src/jobs/dispatch';
import { planDispatch } from '../../src/jobs/enqueue-dispatch';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';
import { recordDispatchers } from './support/recording-dispatcher';

/**
 * Issue 16, the national round: sessions and multicast batches are prepared
 * ROUND_PREPARE_MINUTES before the round time (delayed jobs), so at the round time only
 * sending remains. Who is registered, ended or paused between preparation and the round
 * time is still right at the send.
 */
const ROUND = new Date('2026-12-15T00:00:00Z'); // 09:00 JST
const at = (minutesFromRound: number) => new Date(ROUND.getTime() + minutesFromRound * 60_000);

describe('a round prepared ahead of its time', () => {
  let clock = at(-4);
  let deps: TestDeps;
  let rec: ReturnType<typeof recordDispatchers>;
  let centre: string;
  beforeAll(async () => {
    deps = await createTestDeps({ ROUND_PREPARE_MINUTES: '5' }, { now: () => clock });
    rec = recordDispatchers();
    centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
  });
  afterAll(async () => {
    rec.restore();
    await deps.close();
  });

  it('creates the sessions 4 minutes early, enqueues delayed multicasts, and sends exactly who is still to be asked at 09:00', async () => {
    const [stays, ends, pauses] = await createPersons(deps.db, { centreId: centre, count: 3, classification: 'close_contact' });
    clock = at(-4); // 08:56
    const tick = await runTick(deps, clock);
    expect(tick.created).toBe(3);
    expect(tick.dispatchJobs).toBe(1);
    const prepared = await sessionsOf(deps.db, [stays!, ends!, pauses!]);
    expect(prepared.map((s) => [s.round, s.status, s.due_at.toISOString()])).toEqual(Array(3).fill(['09:00', 'pending', ROUND.toISOString()]));
    // The sweeper never takes a prepared session before its round time (lease counted from 09:00).
    for (const s of prepared) expect(s.next_action_at!.getTime()).toBeGreaterThan(ROUND.getTime());
    // The multicast waits in Redis as a delayed job until 09:00 (about 4 minutes), nothing is waiting to go now.
    const q = deps.jobs.queue('dispatch-line');
    expect(await q.getWaitingCount()).toBe(0);
    const delayed = await q.getDelayed();
    expect(delayed).toHaveLength(1);
    expect(delayed[0]!.opts.delay).toBe(4 * 60_000);
    expect((delayed[0]!.data as DispatchPayload).sessionIds.sort()).toEqual(prepared.map((s) => s.id).sort());
    // Before 09:00 the prepared check is not the person's open check (a free text now is not recorded into it).
    expect(await findOpenSession(deps.db, stays!, clock)).toBeNull();

    // Between preparation and the round: one person ends monitoring, one is paused (written directly,
    // as an import or a script would), one is registered.
    await deps.db.execute(sql`update persons set status = 'hospitalized' where id = ${ends!}`);
    await deps.db.execute(sql`insert into monitoring_pauses (person_id, reason, started_at, resume_on) values (${pauses!}, 'hospitalized', ${clock.toISOString()}::timestamptz, '2026-12-20')`);
    const [late] = await createPersons(deps.db, { centreId: centre, classification: 'close_contact' });
    clock = at(-2); // 08:58: the next tick prepares the newcomer only
    const second = await runTick(deps, clock);
    expect(second.created).toBe(1);
    const lateSession = (await sessionsOf(deps.db, [late!]))[0]!;
    expect(lateSession.due_at.toISOString()).toBe(ROUND.toISOString());
    expect((await q.getDelayed()).map((j) => j.opts.delay).sort()).toEqual([2 * 60_000, 4 * 60_000]);

    // 09:00: the delayed jobs run (here by hand, with the clock at the round time).
    clock = at(0);
    for (const job of await q.getDelayed()) {
      const p = job.data as DispatchPayload;
      await runDispatch(deps, 'line', p.sessionIds, p.kind);
    }
    const byPerson = new Map((await sessionsOf(deps.db, [stays!, ends!, pauses!, late!])).map((s) => [s.person_id, s]));
    expect(rec.ids('line').sort()).toEqual([byPerson.get(stays!)!.id, lateSession.id].sort());
    expect(byPerson.get(stays!)!.status).toBe('prompted');
    expect(byPerson.get(late!)!.status).toBe('prompted');
    expect(byPerson.get(ends!)!.status).toBe('cancelled');
    expect(byPerson.get(pauses!)!.status).toBe('cancelled');
    expect((await findOpenSession(deps.db, stays!, clock))?.id).toBe(byPerson.get(stays!)!.id);

    // The round's own tick at 09:00 finds nothing left to create or send.
    const third = await runTick(deps, clock);
    expect([third.created, third.dispatchJobs]).toEqual([0, 0]);
  });

  it('plans a batch no earlier than the latest round time of its sessions', () => {
    const base = { channel: 'line' as const, flowVersionId: 'f', round: '09:00', localDate: '2026-12-15', lang: 'ja' };
    const [b] = planDispatch(
      [
        { ...base, id: '00000000-0000-4000-8000-000000000001', dueAt: at(0) },
        { ...base, id: '00000000-0000-4000-8000-000000000002', dueAt: at(1) },
      ],
      'prompt',
    );
    expect(b!.notBefore).toEqual(at(1));
    expect(planDispatch([{ ...base, id: '00000000-0000-4000-8000-000000000003' }], 'prompt')[0]!.notBefore).toBeUndefined();
  });
});

describe('ROUND_PREPARE_MINUTES=0', () => {
  let clock = at(-4);
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await createTestDeps({ ROUND_PREPARE_MINUTES: '0' }, { now: () => clock });
  });
  afterAll(async () => deps.close());

  it('creates the round at its time, not before', async () => {
    const centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    const ids = await createPersons(deps.db, { centreId: centre, count: 2, classification: 'close_contact' });
    expect((await runTick(deps, at(-4))).created).toBe(0);
    expect(await sessionsOf(deps.db, ids)).toEqual([]);
    clock = at(0);
    const tick = await runTick(deps, clock);
    expect(tick.created).toBe(2);
    expect((await deps.jobs.queue('dispatch-line').getDelayed())).toHaveLength(0);
  });
});

describe('a long preparation tick', () => {
  let clock = at(-4);
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await createTestDeps({ ROUND_PREPARE_MINUTES: '5' }, { now: () => clock });
  });
  afterAll(async () => deps.close());

  it('delays each multicast from when it is enqueued, not from when the tick began (the round time stays the send time)', async () => {
    const centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    await createPersons(deps.db, { centreId: centre, count: 2, classification: 'close_contact' });
    const tick = runTick(deps, at(-4));
    clock = at(-3); // a national round's tick is minutes long: its last chunks are enqueued late
    expect((await tick).dispatchJobs).toBe(1);
    expect((await deps.jobs.queue('dispatch-line').getDelayed()).map((j) => j.opts.delay)).toEqual([3 * 60_000]);
  });
});
