import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, queryRows, type DbHandle } from '../../db/client';
import { createApp } from '../../src/app';
import type { Deps } from '../../src/deps';
import type { QueueName } from '../../src/jobs/define';
import { ALL_JOBS } from '../../src/jobs/registry';
import { JobRunner } from '../../src/jobs/runner';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createLineApiMock, LINE_TEST_BASE_URL } from '../support/line-api-mock';
import { createCentre, createPersons, sessionsOf } from '../jobs/support/fixtures';
import { drained } from '../jobs/support/wait';
import { startPgProxy, type PgProxy } from './support/pg-proxy';
import { startTwilioStandIn, type TwilioStandIn } from './support/twilio-stand-in';
import { count, lineTextEvent, lineUserOf, postLine, TWILIO, uniquePhone, until } from './support/world';

const MINUTE = 60_000;

/**
 * An outage longer than a job's whole retry budget (8 tries, about 2 minutes in
 * production; 2 quick tries here). The job fails for good but keeps its id; when the
 * tick's sweeps enqueue the same work again after the outage, it must run again — once.
 */
describe('an outage that outlasts the job retries', () => {
  const line = createLineApiMock();
  let tw: TwilioStandIn;
  let deps: TestDeps;
  let runner: JobRunner;
  let centre: string;
  const clock = { at: new Date('2026-11-02T00:00:00Z') }; // 09:00 JST
  beforeAll(async () => {
    line.server.listen({ onUnhandledRequest: 'bypass' });
    tw = await startTwilioStandIn();
    deps = await createTestDeps(
      { LINE_CHANNEL_SECRET: 'faults-line-secret', LINE_CHANNEL_ACCESS_TOKEN: 't', LINE_API_BASE_URL: LINE_TEST_BASE_URL, ...TWILIO, TWILIO_API_BASE_URL: tw.url, DISPATCH_RESWEEP_MINUTES: '5' },
      { now: () => clock.at },
    );
    runner = new JobRunner({ redis: deps.redis, redisUrl: deps.env.REDIS_URL, prefix: deps.jobs.prefix, logger: deps.logger, jobs: ALL_JOBS, retry: { attempts: 2, backoffMs: 20 } });
    centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    await until(() => deps.redis.status === 'ready', 'Redis');
    runner.startWorkers(withRunner(deps), { scheduler: false, queues: ['dispatch-line', 'dispatch-sms'] });
  });
  afterAll(async () => {
    line.server.close();
    await runner?.close();
    await deps?.close();
    await tw?.close();
  });

  const withRunner = (d: Deps): Deps => ({ ...d, jobs: runner });
  const failedCount = (queue: QueueName) => runner.queue(queue).getJobCountByTypes('failed');

  it('LINE down past the retries, then back: every due person gets exactly one prompt', async () => {
    const people = await createPersons(deps.db, { centreId: centre, count: 3, classification: 'close_contact' });
    for (let i = 0; i < 6; i++) line.failNext('multicast', { status: 503, headers: { 'retry-after': '0' } }); // 2 attempts × 3 tries
    await runTick(withRunner(deps), clock.at);
    await until(async () => (await failedCount('dispatch-line')) === 1, 'the multicast job to fail for good');
    expect((await sessionsOf(deps.db, people)).map((s) => s.status)).toEqual(['pending', 'pending', 'pending']);

    // LINE is back; the lease runs out and the tick enqueues the same sessions (the same job id) again.
    clock.at = new Date(clock.at.getTime() + 5 * MINUTE);
    expect((await runTick(withRunner(deps), clock.at)).resent).toBe(3);
    await until(async () => (await sessionsOf(deps.db, people)).every((s) => s.sent), 'everyone to be prompted');

    // LINE took one multicast (the 7th request) naming each person once, under the one retry key.
    const multicasts = line.of('multicast');
    expect(multicasts).toHaveLength(7);
    expect(new Set(multicasts.map((m) => m.retryKey)).size).toBe(1);
    const users = await Promise.all(people.map((p) => lineUserOf(deps.db, p)));
    expect([...multicasts.at(-1)!.body.to].sort()).toEqual([...users].sort());
    // Later ticks send nothing more: the revived job completed, nothing is failed or live.
    clock.at = new Date(clock.at.getTime() + 5 * MINUTE);
    await runTick(withRunner(deps), clock.at);
    await drained(runner, ['dispatch-line']);
    expect(line.of('multicast')).toHaveLength(7);
    expect(await failedCount('dispatch-line')).toBe(0);
  });

  it('Twilio down past the retries of a reminder, then back: the reminder goes out once', async () => {
    const phone = uniquePhone();
    const [person] = await createPersons(deps.db, { centreId: centre, count: 1, channel: 'sms', classification: 'close_contact', phone, roundTimes: ['10:00'] });
    clock.at = new Date('2026-11-02T01:00:00Z'); // 10:00 JST
    await runTick(withRunner(deps), clock.at);
    await until(async () => (await sessionsOf(deps.db, [person!]))[0]!.status === 'prompted' && tw.accepted.some((m) => m.to === phone), 'the prompt');
    await drained(runner, ['dispatch-sms']);
    const prompts = tw.accepted.filter((m) => m.to === phone).length;

    tw.failNext('messages', { status: 503, code: 20503 }, 2); // both attempts of the reminder job
    clock.at = new Date(clock.at.getTime() + 120 * MINUTE);
    await runTick(withRunner(deps), clock.at);
    await until(async () => (await failedCount('dispatch-sms')) === 1, 'the reminder job to fail for good');

    clock.at = new Date(clock.at.getTime() + 5 * MINUTE); // the lease ran out: the same reminder is due again
    expect((await runTick(withRunner(deps), clock.at)).reminders).toBeGreaterThanOrEqual(1);
    await until(async () => (await sessionsOf(deps.db, [person!]))[0]!.reminders_sent === 1, 'the reminder to be sent');
    clock.at = new Date(clock.at.getTime() + 5 * MINUTE);
    await runTick(withRunner(deps), clock.at);
    await drained(runner, ['dispatch-sms']);
    const reminders = tw.accepted.filter((m) => m.to === phone).slice(prompts);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.body).toContain('再送');
  });

  it("Twilio down past the retries of an SMS round's first prompt, then back: the prompt goes out once after the lease, before any reminder", async () => {
    const phone = uniquePhone();
    const [person] = await createPersons(deps.db, { centreId: centre, count: 1, channel: 'sms', classification: 'close_contact', phone, roundTimes: ['13:00'] });
    clock.at = new Date('2026-11-02T04:00:00Z'); // 13:00 JST
    const failedBefore = await failedCount('dispatch-sms');
    tw.failNext('messages', { status: 503, code: 20503, to: phone }, 2); // both attempts of the prompt job
    await runTick(withRunner(deps), clock.at);
    await until(async () => (await failedCount('dispatch-sms')) === failedBefore + 1, 'the prompt job to fail for good');
    // The dispatcher recorded the prompt (and marked the session prompted) before sending it.
    expect((await sessionsOf(deps.db, [person!]))[0]!.status).toBe('prompted');
    expect(tw.accepted.filter((m) => m.to === phone)).toHaveLength(0);

    // Twilio is back; the lease runs out and the tick dispatches the queued prompt under the same job id.
    clock.at = new Date(clock.at.getTime() + 5 * MINUTE);
    const sentAt = clock.at;
    expect((await runTick(withRunner(deps), clock.at)).unsentPromptsResent).toBe(1);
    await until(() => tw.accepted.some((m) => m.to === phone), 'the prompt');
    await drained(runner, ['dispatch-sms']);
    const rows = await queryRows<{ status: string; body: { text: string } }>(deps.db, sql`select status, body from outbound_messages where person_id = ${person!} and kind = 'prompt' order by retry_key`);
    const sent = tw.accepted.filter((m) => m.to === phone);
    expect(sent.map((m) => m.body)).toEqual(rows.map((r) => r.body.text)); // each part once, in order
    expect(rows.every((r) => r.status === 'sending')).toBe(true); // handed to Twilio (the status callback moves it on)
    expect(sent.some((m) => m.body.includes('再送'))).toBe(false);
    expect(await failedCount('dispatch-sms')).toBe(failedBefore);
    // The reminder clock starts when the prompt left, not when it was first recorded.
    const [s] = await sessionsOf(deps.db, [person!]);
    expect(s).toMatchObject({ status: 'prompted', reminders_sent: 0 });
    expect(s!.next_action_at!.getTime()).toBe(sentAt.getTime() + 120 * MINUTE);

    // Later ticks before the reminder is due send nothing more.
    clock.at = new Date(clock.at.getTime() + 10 * MINUTE);
    expect((await runTick(withRunner(deps), clock.at)).unsentPromptsResent).toBe(0);
    await drained(runner, ['dispatch-sms']);
    expect(tw.accepted.filter((m) => m.to === phone)).toHaveLength(sent.length);
  });

  describe('PostgreSQL down while an inbound event is processed', () => {
    let proxy: PgProxy;
    let viaProxy: DbHandle;
    beforeAll(async () => {
      proxy = await startPgProxy();
      viaProxy = await createDb({ url: proxy.urlFor(deps.testDb.url), max: 2 });
    });
    afterAll(async () => {
      await viaProxy?.close().catch(() => undefined);
      await proxy?.close();
    });

    it('fails for good, then the sweeper runs it again once the database is back: answered once', async () => {
      const [person] = await createPersons(deps.db, { centreId: centre, count: 1, classification: 'close_contact' });
      const userId = await lineUserOf(deps.db, person!);
      // The worker reaches PostgreSQL through the proxy; the webhook and the tick do not.
      runner.startWorkers(withRunner({ ...deps, db: viaProxy.db, dbHandle: viaProxy }), { scheduler: false, queues: ['inbound'] });
      await proxy.down();
      const event = lineTextEvent(userId, 'こんにちは', clock.at, true); // a redelivery: answered by push
      expect((await postLine(createApp(withRunner(deps)), [event])).status).toBe(200);
      await until(async () => (await failedCount('inbound')) === 1, 'the inbound job to fail for good');

      await proxy.up();
      clock.at = new Date(clock.at.getTime() + MINUTE);
      expect((await runTick(withRunner(deps), clock.at)).inboundSwept).toBe(1);
      await until(async () => (await count(deps.db, sql`select count(*)::int as n from inbound_events where processed_at is null`)) === 0, 'the event to be processed');
      await until(() => line.of('push').some((p) => p.body?.to === userId), 'the answer');
      await runTick(withRunner(deps), new Date(clock.at.getTime() + MINUTE)); // nothing left to sweep
      await new Promise((r) => setTimeout(r, 500));
      expect(line.of('push').filter((p) => p.body?.to === userId)).toHaveLength(1);
      const [row] = await queryRows<{ status: string }>(deps.db, sql`select status from outbound_messages where person_id = ${person!} and kind <> 'prompt'`);
      expect(row?.status).toBe('sent');
    });
  });
});
