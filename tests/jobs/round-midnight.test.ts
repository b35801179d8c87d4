import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { runDispatch, type DispatchPayload } from '../../src/jobs/dispatch';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';
import { recordDispatchers } from './support/recording-dispatcher';

/**
 * Issue 16: a round just after local midnight is prepared ahead like any other (the window
 * of ROUND_PREPARE_MINUTES reaches into the next local day), once, keyed by the round's own
 * local date — the ticks at and after the round time find it and create nothing more.
 */
const min = (d: Date, m: number) => new Date(d.getTime() + m * 60_000);

interface Case {
  zone: string;
  /** The round's local date and its instant (00:02 local; where 00:02 does not exist, what PostgreSQL makes of it). */
  date: string;
  round: Date;
  /** Ticks before the window reaches the round: nothing is prepared. */
  early: Date[];
}

// In time order, in one database: each case's persons are monitored on the round's date only.
const CASES: Case[] = [
  // Santiago's clocks go back at local midnight (00:00 -03 → 23:00 -04): 23:58 happens twice, the
  // first time an hour before the round. (PostgreSQL's tz database; 00:02 -04 is 04:02Z.)
  { zone: 'America/Santiago', date: '2026-04-05', round: new Date('2026-04-05T04:02:00Z'), early: [new Date('2026-04-05T02:58:00Z')] },
  // …and forward at local midnight (00:00 -04 → 01:00 -03): 00:02 does not exist; the round is at 01:02 -03.
  { zone: 'America/Santiago', date: '2026-09-06', round: new Date('2026-09-06T04:02:00Z'), early: [new Date('2026-09-06T03:00:00Z')] },
  { zone: 'Asia/Tokyo', date: '2026-12-16', round: new Date('2026-12-15T15:02:00Z'), early: [new Date('2026-12-15T14:56:00Z')] },
];

describe('a round just after local midnight', () => {
  let clock = new Date();
  let deps: TestDeps;
  let rec: ReturnType<typeof recordDispatchers>;
  beforeAll(async () => {
    deps = await createTestDeps({ ROUND_PREPARE_MINUTES: '5' }, { now: () => clock });
    rec = recordDispatchers();
  });
  afterAll(async () => {
    rec.restore();
    await deps.close();
  });

  for (const c of CASES) {
    it(`is prepared at 23:58 and sent at 00:02 once, with no second session after the ticks at 00:00, 00:02 and 00:03 (${c.zone}, ${c.date})`, async () => {
      const centre = (await createCentre(deps.db, c.zone)).id;
      // Monitored from the round's own date: the period is checked on that day, not on the day of preparation.
      const ids = await createPersons(deps.db, { centreId: centre, count: 2, classification: 'close_contact', roundTimes: ['00:02', '12:00'], monitoringStart: c.date, plannedEnd: c.date });
      const q = deps.jobs.queue('dispatch-line');
      await q.obliterate({ force: true });
      rec.sends.length = 0;

      for (const t of c.early) {
        clock = t;
        expect((await runTick(deps, t)).created).toBe(0);
      }
      clock = min(c.round, -4); // 23:58
      const prepared = await runTick(deps, clock);
      expect(prepared.created).toBe(2);
      expect(prepared.dispatchJobs).toBe(1);
      const sessions = await sessionsOf(deps.db, ids);
      expect(sessions.map((s) => [s.local_date, s.round, s.status, s.due_at.toISOString()])).toEqual(Array(2).fill([c.date, '00:02', 'pending', c.round.toISOString()]));
      const delayed = await q.getDelayed();
      expect(delayed.map((j) => j.opts.delay)).toEqual([4 * 60_000]);

      // The ticks of midnight, of the round time and after it: nothing created, nothing enqueued again.
      for (const m of [-2, 0, 1]) {
        clock = min(c.round, m);
        const tick = await runTick(deps, clock);
        expect([tick.created, tick.dispatchJobs, tick.resent]).toEqual([0, 0, 0]);
        if (m === 0) {
          // 00:02: the delayed multicast runs (here by hand, at the round time).
          for (const job of await q.getDelayed()) {
            const p = job.data as DispatchPayload;
            await runDispatch(deps, 'line', p.sessionIds, p.kind);
          }
        }
      }
      expect(rec.ids('line').sort()).toEqual(sessions.map((s) => s.id).sort());
      const counts = await queryRows<{ n: number }>(deps.db, sql`select count(*)::int as n from check_sessions where person_id = any(${`{${ids.join(',')}}`}::uuid[])`);
      expect(counts[0]!.n).toBe(2);
      expect((await sessionsOf(deps.db, ids)).map((s) => s.status)).toEqual(['prompted', 'prompted']);
    });
  }
});
