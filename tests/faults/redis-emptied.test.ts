import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { ALL_JOBS } from '../../src/jobs/registry';
import { JobRunner, TICK_SCHEDULER_ID } from '../../src/jobs/runner';
import { runTick } from '../../src/jobs/tick';
import { createCentre, createPersons, sessionsOf } from '../jobs/support/fixtures';
import { count, createWorld, uniquePhone, until, type World } from './support/world';

const DISPATCH = ['dispatch-line', 'dispatch-sms'] as const;
const MINUTE = 60_000;

// Redis holds only work in flight; PostgreSQL holds the truth. When Redis is emptied
// (FLUSHALL) or replaced by a fresh instance, the tick rebuilds the day's work from
// PostgreSQL once the dispatch lease (DISPATCH_RESWEEP_MINUTES) has passed, and the tick
// scheduler itself is registered again.
describe('Redis emptied or replaced', () => {
  let w: World;
  let people: { line: string[]; sms: string[]; phones: string[] };
  beforeAll(async () => {
    w = await createWorld({ start: new Date('2026-11-02T00:00:00Z'), env: { DISPATCH_RESWEEP_MINUTES: '5' } }); // 09:00 JST
    const centre = (await createCentre(w.deps.db, 'Asia/Tokyo')).id;
    const line = await createPersons(w.deps.db, { centreId: centre, count: 4, classification: 'close_contact', roundTimes: ['09:00', '15:00'] });
    const phones = [uniquePhone(), uniquePhone()];
    const sms = [];
    for (const phone of phones) sms.push(...(await createPersons(w.deps.db, { centreId: centre, channel: 'sms', classification: 'close_contact', roundTimes: ['09:00', '15:00'], phone })));
    people = { line, sms, phones };
  });
  afterAll(async () => w?.close());

  const smsPromptsTo = (phone: string) => w.twilio.accepted.filter((m) => m.to === phone).length;
  const unsent = () => count(w.deps.db, sql`select count(*)::int as n from outbound_messages where provider_message_id is null`);

  it('after FLUSHALL every due person still gets exactly one prompt', async () => {
    const { deps } = w;
    const t0 = w.clock.at;
    const first = await runTick(deps, t0);
    expect(first.created).toBe(6);
    expect(first.dispatchJobs).toBe(3); // one LINE multicast, two SMS
    await w.redis.flushAll(); // before any worker took them: the queued jobs are gone
    deps.jobs.startWorkers(deps, { scheduler: false, queues: DISPATCH });

    // Within the lease a job may still be in flight somewhere: nothing is sent again yet.
    w.clock.at = new Date(t0.getTime() + MINUTE);
    expect((await runTick(deps, w.clock.at)).resent).toBe(0);
    w.clock.at = new Date(t0.getTime() + 5 * MINUTE);
    expect((await runTick(deps, w.clock.at)).resent).toBe(6);
    await until(async () => (await sessionsOf(deps.db, [...people.line, ...people.sms])).every((s) => s.sent) && (await unsent()) === 0, 'the rebuilt round to be sent');
    expect([...w.line.stats.perRecipient.values()]).toEqual([1, 1, 1, 1]);
    const perPhone = people.phones.map(smsPromptsTo);
    expect(perPhone.every((n) => n >= 1 && n === perPhone[0])).toBe(true);

    // A later tick sends nothing more.
    w.clock.at = new Date(t0.getTime() + 11 * MINUTE);
    expect((await runTick(deps, w.clock.at)).resent).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(w.line.stats.accepted).toBe(1);
    expect(people.phones.map(smsPromptsTo)).toEqual(perPhone);
  });

  it('after a fresh Redis instance (restart without persistence) the next round is sent once', async () => {
    const { deps } = w;
    const sentBefore = people.phones.map(smsPromptsTo);
    const t15 = new Date('2026-11-02T06:00:00Z'); // 15:00 JST
    w.clock.at = t15;
    for (const q of DISPATCH) await deps.jobs.queue(q).pause(); // the jobs wait in Redis …
    expect((await runTick(deps, t15)).created).toBe(6);
    await w.redis.restart(); // … and the instance dies with them
    await until(() => deps.redis.status === 'ready', 'the app to reconnect');

    w.clock.at = new Date(t15.getTime() + 5 * MINUTE);
    expect((await runTick(deps, w.clock.at)).resent).toBe(6);
    const afternoon = await queryRows<{ id: string }>(deps.db, sql`select id from check_sessions where round = '15:00'`);
    await until(
      async () => (await sessionsOf(deps.db, [...people.line, ...people.sms])).filter((s) => s.round === '15:00' && s.sent).length === afternoon.length && (await unsent()) === 0,
      'the afternoon round to be sent',
      15_000,
    );
    expect([...w.line.stats.perRecipient.values()]).toEqual([2, 2, 2, 2]);
    expect(w.line.stats.accepted).toBe(2);
    expect(people.phones.map(smsPromptsTo)).toEqual(sentBefore.map((n) => n * 2));
  });

  it('registers the tick scheduler again when Redis was emptied or replaced', async () => {
    const { deps } = w;
    const runner = new JobRunner({ redis: deps.redis, redisUrl: w.redis.url, prefix: `${deps.jobs.prefix}-sched`, logger: deps.logger, jobs: ALL_JOBS });
    try {
      // No worker at all, only the scheduler (so no tick runs against this test's clock).
      runner.startWorkers({ ...deps, env: { ...deps.env, TICK_EVERY_MS: 1000 }, jobs: runner }, { queues: [], scheduler: true });
      const scheduler = () => runner.queue('scheduler').getJobScheduler(TICK_SCHEDULER_ID).catch(() => undefined);
      await until(async () => !!(await scheduler()), 'the tick scheduler');
      await w.redis.flushAll();
      expect(await scheduler()).toBeFalsy();
      await until(async () => !!(await scheduler()), 'the tick scheduler after FLUSHALL', 5_000);
      await w.redis.restart();
      await until(async () => !!(await scheduler()), 'the tick scheduler on a fresh instance', 8_000);
      expect((await scheduler())!.every).toBe(1000);
    } finally {
      await runner.close();
    }
  });
});
