import type { Job } from 'bullmq';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLineStandIn, type LineStandIn } from '../../bench/support/line-stand-in';
import { queryRows } from '../../db/client';
import { lineDispatcher } from '../../src/bot/line/dispatcher';
import { claimPendingDispatch } from '../../src/domain/rounds/claim-pending-dispatch';
import { closeExpiredSessions } from '../../src/domain/rounds/close-expired-sessions';
import { parseQuietHours } from '../../src/domain/rounds/quiet-hours';
import { DISPATCH_JOBS, type DispatchPayload } from '../../src/jobs/dispatch';
import { markSentMulticasts } from '../../src/jobs/multicast-marks';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';

/**
 * Issue 16, what a round's send writes: a multicast LINE accepted writes its one row (sent,
 * sent_at); its sessions are marked prompted by the tick a minute or more later, the
 * reminder clock from sent_at — not by the send, in the round's busiest minute. Until then
 * a session is pending but sent: the sweeper never sends it again, a job run again
 * (retried, or stalled and started again) sends nobody twice, and a round closed in
 * between counts it as asked.
 */
describe('the writes of a round’s LINE send', () => {
  const ROUND = new Date('2026-12-15T00:00:00Z'); // 09:00 JST
  let clock = new Date(ROUND.getTime() - 4 * 60_000);
  let deps: TestDeps;
  let line: LineStandIn;
  let ids: string[];
  let sessionIds: string[];
  const job = (attemptsMade: number, attemptsStarted: number) => ({ attemptsMade, attemptsStarted }) as Job;
  const multicasts = () =>
    queryRows<{ status: string; n: number; sent: boolean; marked: boolean }>(
      deps.db,
      sql`select status, cardinality(session_ids) as n, sent_at is not null as sent, not exists (select 1 from line_multicast_marks k where k.multicast_id = m.id) as marked from line_multicasts m order by created_at`,
    );
  const statuses = async () => (await sessionsOf(deps.db, ids)).map((s) => s.status);
  const unmark = async () => {
    await deps.db.execute(sql`update check_sessions set status = 'pending', prompted_at = null, next_action_at = due_at + interval '5 minutes' where person_id = any(${`{${ids.join(',')}}`}::uuid[])`);
    await deps.db.execute(sql`insert into line_multicast_marks (multicast_id, sent_at) select id, sent_at from line_multicasts where status = 'sent' on conflict do nothing`);
  };

  beforeAll(async () => {
    line = await startLineStandIn();
    deps = await createTestDeps({ ROUND_PREPARE_MINUTES: '5', LINE_CHANNEL_SECRET: 'writes-secret', LINE_CHANNEL_ACCESS_TOKEN: 'writes-token', LINE_API_BASE_URL: line.url }, { now: () => clock });
    const centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    ids = await createPersons(deps.db, { centreId: centre, count: 3, classification: 'close_contact' });
    expect((await runTick(deps, clock)).dispatchJobs).toBe(1);
    sessionIds = (await sessionsOf(deps.db, ids)).map((s) => s.id).sort();
  });
  afterAll(async () => {
    await deps.close();
    await line.close();
  });

  it('the send writes the multicast only; the tick marks its sessions a minute later, the reminder clock from the send', async () => {
    clock = ROUND;
    const reminderAfterMs = deps.env.REMINDER_AFTER_MINUTES * 60_000;
    const result = await lineDispatcher.sendPrompts(deps, sessionIds, 'prompt', { firstAttempt: true });
    // Left to the tick (the job marks only the others).
    expect([...(result?.markedLater ?? [])].sort()).toEqual(sessionIds);
    expect(await statuses()).toEqual(['pending', 'pending', 'pending']);
    expect(await multicasts()).toEqual([{ status: 'sent', n: 3, sent: true, marked: false }]);
    clock = new Date(ROUND.getTime() + 30_000);
    expect((await runTick(deps, clock)).multicastSessionsMarked).toBe(0); // the round's busiest minute
    clock = new Date(ROUND.getTime() + 75_000);
    expect((await runTick(deps, clock)).multicastSessionsMarked).toBe(3);
    for (const s of await sessionsOf(deps.db, ids)) {
      expect(s.status).toBe('prompted');
      expect(s.next_action_at!.getTime()).toBe(ROUND.getTime() + reminderAfterMs); // from the send, not the marking
    }
    expect(await multicasts()).toEqual([{ status: 'sent', n: 3, sent: true, marked: true }]);
    expect((await runTick(deps, clock)).multicastSessionsMarked).toBe(0); // once
    expect(line.stats.accepted).toBe(1);
  });

  it('until marked, the sweeper does not send a pending session a multicast sent (its lease passed)', async () => {
    await unmark();
    const now = new Date(ROUND.getTime() + 6 * 60_000);
    expect(await claimPendingDispatch(deps.db, { now, quiet: parseQuietHours(deps.env.QUIET_HOURS), resweepMs: 5 * 60_000, limit: 100 })).toEqual([]);
    // Without the multicast (as if never sent) the same sessions are claimed: the test can fail.
    await deps.db.execute(sql`update line_multicasts set status = 'queued', provider_message_id = null`);
    const claimed = await claimPendingDispatch(deps.db, { now, quiet: parseQuietHours(deps.env.QUIET_HOURS), resweepMs: 5 * 60_000, limit: 100 });
    await deps.db.execute(sql`update line_multicasts set status = 'sent', provider_message_id = 'req-1'`);
    expect(claimed.length).toBe(3);
  });

  it('a job run again (a stalled one started again: not a first attempt) sends nobody twice and leaves the marking to the tick', async () => {
    await unmark();
    const payload: DispatchPayload = { sessionIds, kind: 'prompt' };
    clock = new Date(ROUND.getTime() + 30_000);
    await DISPATCH_JOBS.line.handler(payload, deps, job(0, 2), { first: false });
    expect(line.stats.accepted).toBe(1);
    expect(line.stats.duplicates).toBe(0); // not even a request LINE had to turn away by its retry key
    expect(await multicasts()).toEqual([{ status: 'sent', n: 3, sent: true, marked: false }]);
    expect(await statuses()).toEqual(['pending', 'pending', 'pending']);
    clock = new Date(ROUND.getTime() + 90_000);
    await runTick(deps, clock);
    for (const s of await sessionsOf(deps.db, ids)) {
      expect(s.status).toBe('prompted');
      expect(s.next_action_at!.getTime()).toBe(ROUND.getTime() + deps.env.REMINDER_AFTER_MINUTES * 60_000);
    }
  });

  it('while answers wait, the marking waits too — ten minutes at most', async () => {
    await unmark();
    await deps.db.execute(sql`insert into inbound_events (provider, provider_event_id, payload, received_at) values ('line', 'evt-waiting', '{}'::jsonb, ${ROUND.toISOString()}::timestamptz)`);
    const held = { db: deps.db, logger: deps.logger, env: { ...deps.env, ANSWERS_FIRST_AFTER_MS: 2000 } };
    expect(await markSentMulticasts(held, new Date(ROUND.getTime() + 5 * 60_000))).toBe(0);
    expect(await markSentMulticasts(held, new Date(ROUND.getTime() + 10 * 60_000))).toBe(3);
    await deps.db.execute(sql`delete from inbound_events where provider_event_id = 'evt-waiting'`);
  });

  it('a marking that fails (a deadlock with an answer, say) is logged and leaves the rest of the tick going', async () => {
    const warned: string[] = [];
    const failing = { db: { execute: () => Promise.reject(new Error('deadlock detected')) } as unknown as TestDeps['db'], env: deps.env, logger: { ...deps.logger, warn: (_o: unknown, msg: string) => void warned.push(msg) } as unknown as TestDeps['logger'] };
    expect(await markSentMulticasts(failing, new Date(ROUND.getTime() + 10 * 60_000))).toBe(0);
    expect(warned).toEqual(['marking the sessions of sent multicasts stopped; the next tick goes on']);
  });

  it('a round closed before the marking counts a session the multicast sent as asked: a non-responder alert, not "never sent"', async () => {
    await unmark();
    const closed = await closeExpiredSessions(deps.db, { now: new Date(ROUND.getTime() + 24 * 3_600_000), limit: 100 });
    expect(closed).toHaveLength(3);
    expect(closed.every((c) => c.needsNonResponderAlert && !c.neverSent)).toBe(true);
  });
});
