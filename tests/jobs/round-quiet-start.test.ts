import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { jurisdictions } from '../../db/schema';
import { runDispatch } from '../../src/jobs/dispatch';
import { runTick } from '../../src/jobs/tick';
import { TWILIO_ENV } from '../bot/twilio/helpers';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';

/**
 * Issue 16: quiet hours (QUIET_HOURS 21:00-08:00, or the centre's own) are judged for the
 * time a prompt goes out — the round time of a round prepared ahead — and again when it
 * goes. One rule whichever way a round came: an SMS, call or web link that would go out in
 * quiet hours waits, pending, until they end (next_action_at), and the sweeper sends it then.
 */
const jst = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+09:00`);

describe('quiet hours at the send time of a prepared round', () => {
  let clock = new Date();
  let deps: TestDeps;
  let centre: string;
  beforeAll(async () => {
    deps = await createTestDeps({ ROUND_PREPARE_MINUTES: '5', ...TWILIO_ENV }, { now: () => clock });
    centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
  });
  afterAll(async () => deps.close());

  it('holds an SMS round at 21:00 (the start of quiet hours), prepared at 20:56, for their end — like the same round created at 21:01', async () => {
    const [prepared] = await createPersons(deps.db, { centreId: centre, channel: 'sms', roundTimes: ['21:00'] });
    clock = jst('2026-06-10', '20:56');
    const tick = await runTick(deps, clock);
    expect([tick.created, tick.createdWaitingForQuietHours, tick.dispatchJobs]).toEqual([1, 1, 0]);
    const q = deps.jobs.queue('dispatch-sms');
    expect(await q.getDelayed()).toHaveLength(0);
    const [s] = await sessionsOf(deps.db, [prepared!]);
    expect([s!.status, s!.due_at.toISOString(), s!.next_action_at!.toISOString()]).toEqual(['pending', jst('2026-06-10', '21:00').toISOString(), jst('2026-06-11', '08:00').toISOString()]);

    // The same round for someone registered after it began: created at 21:01, held the same way.
    const [late] = await createPersons(deps.db, { centreId: centre, channel: 'sms', roundTimes: ['21:00'] });
    clock = jst('2026-06-10', '21:01');
    expect((await runTick(deps, clock)).createdWaitingForQuietHours).toBe(1);
    const [l] = await sessionsOf(deps.db, [late!]);
    expect(l!.next_action_at).toEqual(s!.next_action_at);

    // Nothing was sent in the night; the round (the day's last) ended at midnight before the quiet
    // hours did, so both are closed never sent, each with a not-sent alert for the centre.
    clock = jst('2026-06-11', '00:00');
    const midnight = await runTick(deps, clock);
    expect([midnight.expired, midnight.notSentAlerts, midnight.resent]).toEqual([2, 2, 0]);
    expect(await q.getJobCounts('delayed', 'waiting')).toEqual({ delayed: 0, waiting: 0 });
  });

  it('re-checks at the send: a prepared SMS whose time fell into the centre’s quiet hours meanwhile waits until they end, pending', async () => {
    const own = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    const [p] = await createPersons(deps.db, { centreId: own, channel: 'sms', roundTimes: ['20:30'], plannedEnd: '2026-06-12' });
    clock = jst('2026-06-12', '20:26');
    const tick = await runTick(deps, clock);
    expect([tick.created, tick.dispatchJobs]).toEqual([1, 1]); // 20:30 is outside 21:00-08:00: a delayed SMS job
    // The centre moves its quiet hours to begin at 20:30 before the round.
    await deps.db.update(jurisdictions).set({ quietHours: '20:30-07:30' }).where(eq(jurisdictions.id, own));
    clock = jst('2026-06-12', '20:30');
    const [s] = await sessionsOf(deps.db, [p!]);
    const err = await runDispatch(deps, 'sms', [s!.id], 'prompt').then(() => null, (e: unknown) => e as Error & { retryAfterMs?: number });
    expect(err?.message).toMatch(/quiet hours/);
    expect(err?.retryAfterMs).toBe(11 * 3600_000); // the job comes back at 07:30
    const [after] = await sessionsOf(deps.db, [p!]);
    expect([after!.status, after!.next_action_at!.toISOString()]).toEqual(['pending', jst('2026-06-13', '07:30').toISOString()]);
    expect(await outbound(s!.id)).toBe(0);
  });

  it('re-checks the centre’s own quiet hours for a web link sent by SMS too', async () => {
    const own = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    const [p] = await createPersons(deps.db, { centreId: own, channel: 'web', roundTimes: ['20:30'] });
    clock = jst('2026-06-14', '20:26');
    await runTick(deps, clock);
    const [s] = await sessionsOf(deps.db, [p!]);
    expect(await deps.jobs.queue('dispatch-web').getJob(`dispatch_web_prompt_${s!.id}`)).toBeDefined(); // delayed to 20:30
    await deps.db.update(jurisdictions).set({ quietHours: '20:30-07:30' }).where(eq(jurisdictions.id, own));
    clock = jst('2026-06-14', '20:30');
    const err = await runDispatch(deps, 'web', [s!.id], 'prompt').then(() => null, (e: unknown) => e as Error & { retryAfterMs?: number });
    expect(err?.message).toMatch(/quiet hours/);
    expect(err?.retryAfterMs).toBe(11 * 3600_000);
    expect(await outbound(s!.id)).toBe(0);
  });

  const outbound = async (sessionId: string) =>
    (await queryRows<{ n: number }>(deps.db, sql`select count(*)::int as n from outbound_messages where session_id = ${sessionId}`))[0]!.n;
});
