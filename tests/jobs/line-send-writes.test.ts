import type { Job } from 'bullmq';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLineStandIn, type LineStandIn } from '../../bench/support/line-stand-in';
import { queryRows } from '../../db/client';
import { lineDispatcher } from '../../src/bot/line/dispatcher';
import { DISPATCH_JOBS, type DispatchPayload } from '../../src/jobs/dispatch';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';

/**
 * Issue 16, what a round's send writes: a multicast LINE accepted is settled and its
 * sessions marked prompted (the reminder clock from the send) in one statement, so no
 * session of a 'sent' multicast is left pending and a first attempt need not look for
 * earlier sends; a job run again (retried, or a stalled job BullMQ started again) still
 * looks, and sends nobody twice.
 */
describe('the writes of a round’s LINE send', () => {
  const ROUND = new Date('2026-12-15T00:00:00Z'); // 09:00 JST
  let clock = new Date(ROUND.getTime() - 4 * 60_000);
  let deps: TestDeps;
  let line: LineStandIn;
  let ids: string[];
  const job = (attemptsMade: number, attemptsStarted: number) => ({ attemptsMade, attemptsStarted }) as Job;
  const multicasts = () => queryRows<{ status: string; n: number }>(deps.db, sql`select status, cardinality(session_ids) as n from line_multicasts order by created_at`);

  beforeAll(async () => {
    line = await startLineStandIn();
    deps = await createTestDeps({ ROUND_PREPARE_MINUTES: '5', LINE_CHANNEL_SECRET: 'writes-secret', LINE_CHANNEL_ACCESS_TOKEN: 'writes-token', LINE_API_BASE_URL: line.url }, { now: () => clock });
    const centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    ids = await createPersons(deps.db, { centreId: centre, count: 3, classification: 'close_contact' });
    expect((await runTick(deps, clock)).dispatchJobs).toBe(1);
  });
  afterAll(async () => {
    await deps.close();
    await line.close();
  });

  it('the statement that settles the accepted multicast marks its sessions prompted, the reminder clock counting from the send', async () => {
    clock = ROUND;
    const sessionIds = (await sessionsOf(deps.db, ids)).map((s) => s.id).sort();
    const reminderAfterMs = deps.env.REMINDER_AFTER_MINUTES * 60_000;
    const result = await lineDispatcher.sendPrompts(deps, sessionIds, 'prompt', { firstAttempt: true, reminderAfterMs });
    // Marked by the dispatcher itself (the job marks only the others): nothing is left pending in between.
    expect(result && [...result.prompted].sort()).toEqual(sessionIds);
    for (const s of await sessionsOf(deps.db, ids)) {
      expect(s.status).toBe('prompted');
      expect(s.next_action_at!.getTime()).toBe(ROUND.getTime() + reminderAfterMs);
    }
    expect(await multicasts()).toEqual([{ status: 'sent', n: 3 }]);
    expect(line.stats.accepted).toBe(1);
  });

  it('a stalled job started again (no attempt made, a second one started) looks for what was sent and sends nobody twice', async () => {
    // As if a run had been cut between LINE's answer and marking the sessions (as before
    // this statement did both): the multicast is 'sent', its sessions still pending.
    await deps.db.execute(sql`update check_sessions set status = 'pending', prompted_at = null where person_id = any(${`{${ids.join(',')}}`}::uuid[])`);
    const payload: DispatchPayload = { sessionIds: (await sessionsOf(deps.db, ids)).map((s) => s.id).sort(), kind: 'prompt' };
    clock = new Date(ROUND.getTime() + 30_000);
    await DISPATCH_JOBS.line.handler(payload, deps, job(0, 2));
    expect(line.stats.accepted).toBe(1);
    expect(line.stats.duplicates).toBe(0); // not even a request LINE had to turn away by its retry key
    expect(await multicasts()).toEqual([{ status: 'sent', n: 3 }]);
    // The job still starts the clock of who it found sent (from now: they were pending).
    for (const s of await sessionsOf(deps.db, ids)) expect(s.status).toBe('prompted');
  });
});
