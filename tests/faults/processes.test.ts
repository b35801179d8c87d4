import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { ALL_JOBS } from '../../src/jobs/registry';
import { JobRunner } from '../../src/jobs/runner';
import { createApp } from '../../src/app';
import { runTick } from '../../src/jobs/tick';
import { runDispatch } from '../../src/jobs/dispatch';
import { createCentre, createPersons, sessionsOf } from '../jobs/support/fixtures';
import { SHORT_LOCKS } from './support/app-process';
import { spawnApp, type AppProcess } from './support/spawn-app';
import { count, createWorld, lineTextEvent, lineUserOf, postLine, uniquePhone, until, type World } from './support/world';

// Real processes: two app processes scheduling at once, and a worker SIGKILLed while it
// sends. Starting a process (tsx, every SDK) takes seconds on a busy machine, hence the
// longer limits; nothing here sleeps for long.
describe('several app processes, and one killed mid-job', () => {
  let w: World;
  const apps: AppProcess[] = [];
  let fresh: JobRunner | undefined;
  let centre: string;
  beforeAll(async () => {
    w = await createWorld({ start: new Date('2026-11-02T00:00:00Z'), lineHoldMs: 1500 }); // 09:00 JST; LINE holds each answer 1.5 s (time to kill a worker mid-request)
    centre = (await createCentre(w.deps.db, 'Asia/Tokyo')).id;
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.kill()));
    await fresh?.close();
    await w?.close();
  });

  it('two app processes running the scheduler and ticking at once send each round once', async () => {
    const line = await createPersons(w.deps.db, { centreId: centre, count: 6, classification: 'close_contact' });
    const phones = [uniquePhone(), uniquePhone(), uniquePhone()];
    const sms: string[] = [];
    for (const phone of phones) sms.push(...(await createPersons(w.deps.db, { centreId: centre, channel: 'sms', classification: 'close_contact', phone })));
    const two = [0, 1].map(() => spawnApp(w, { queues: ['scheduler', 'dispatch-line', 'dispatch-sms'], scheduler: true, ticks: 5, now: w.clock.at }));
    apps.push(...two);
    await Promise.all(two.map((a) => a.printed('ticked')));
    await until(
      async () => (await sessionsOf(w.deps.db, [...line, ...sms])).every((s) => s.sent) && (await count(w.deps.db, sql`select count(*)::int as n from outbound_messages where provider_message_id is null`)) === 0,
      'the round to be sent',
      20_000,
    );
    await new Promise((r) => setTimeout(r, 1500)); // both schedulers tick again meanwhile
    expect(await count(w.deps.db, sql`select count(*)::int as n from check_sessions`)).toBe(9);
    expect(w.line.stats.accepted).toBe(1);
    expect([...w.line.stats.perRecipient.values()]).toEqual([1, 1, 1, 1, 1, 1]);
    const perPhone = phones.map((p) => w.twilio.accepted.filter((m) => m.to === p).length);
    expect(perPhone[0]).toBeGreaterThanOrEqual(1);
    expect(perPhone).toEqual([perPhone[0], perPhone[0], perPhone[0]]);
    expect(await w.deps.jobs.queue('scheduler').getJobSchedulersCount()).toBe(1);
    await Promise.all(two.map((a) => a.kill()));
  }, 90_000);

  it('a worker killed while sending the reply to an answer: after restart the answer is recorded once and the reply sent once', async () => {
    const [person] = await createPersons(w.deps.db, { centreId: centre, classification: 'close_contact', roundTimes: ['10:00'] });
    w.clock.at = new Date('2026-11-02T01:00:00Z'); // 10:00 JST
    await w.deps.db.execute(sql`insert into check_sessions (person_id, flow_version_id, local_date, round, channel, status, source, due_at, expires_at)
      select ${person!}, v.id, '2026-11-02', '10:00', 'line', 'pending', 'schedule', ${w.clock.at.toISOString()}::timestamptz, '2026-11-02T15:00:00Z'::timestamptz
      from flow_versions v join flows f on f.id = v.flow_id where f.key = 'contact-daily' and v.status = 'published' order by v.version desc limit 1`);
    const [session] = await sessionsOf(w.deps.db, [person!]);
    await runDispatch(w.deps, 'line', [session!.id], 'prompt');
    const user = await lineUserOf(w.deps.db, person!);
    expect(w.line.stats.perRecipient.get(user)).toBe(1);

    const worker = spawnApp(w, { queues: ['inbound'], now: w.clock.at });
    apps.push(worker);
    await worker.printed('ready');
    const accepted = w.line.stats.accepted;
    // LINE redelivers the answer (no reply token): the reply goes by push under a retry key.
    const event = lineTextEvent(user, '37.2', w.clock.at, true);
    expect((await postLine(createApp(w.deps), [event])).status).toBe(200);
    await until(() => w.line.stats.accepted === accepted + 1, 'the push to reach LINE', 30_000); // LINE has it …
    expect(await worker.kill()).toBe('SIGKILL'); // … and the worker died before recording it
    const [reply] = await queryRows<{ status: string }>(w.deps.db, sql`select status from outbound_messages where kind <> 'prompt' and person_id = ${person!}`);
    expect(reply!.status).toBe('sending'); // claimed by the dead run; its job's next run takes it back

    fresh = new JobRunner({ redis: w.deps.redis, redisUrl: w.redis.url, prefix: w.deps.jobs.prefix, logger: w.deps.logger, jobs: ALL_JOBS, settings: { inbound: SHORT_LOCKS } });
    fresh.startWorkers({ ...w.deps, jobs: fresh }, { queues: ['inbound'], scheduler: false });
    await until(async () => (await queryRows<{ status: string }>(w.deps.db, sql`select status from outbound_messages where kind <> 'prompt' and person_id = ${person!}`))[0]!.status === 'sent', 'the retried job', 20_000);
    const obs = await queryRows<{ n: number }>(w.deps.db, sql`select count(*)::int as n from observations where person_id = ${person!} and question_id = 'temperature'`);
    expect(obs[0]!.n).toBe(1);
    const [ev] = await queryRows<{ attempts: number }>(w.deps.db, sql`select attempts from inbound_events where provider_event_id = ${event.webhookEventId}`);
    expect(ev!.attempts).toBe(1);
    expect(w.line.stats.perRecipient.get(user)).toBe(2); // the prompt and one reply
    expect(w.line.stats.duplicates).toBeGreaterThanOrEqual(1); // the retry was refused as already accepted (409)
  }, 90_000);

  it('a worker killed in the middle of an SMS dispatch: no prompt twice, and the reminder still comes', async () => {
    const phone = uniquePhone();
    const [person] = await createPersons(w.deps.db, { centreId: centre, channel: 'sms', classification: 'close_contact', roundTimes: ['11:00'], phone });
    w.clock.at = new Date('2026-11-02T02:00:00Z'); // 11:00 JST
    const worker = spawnApp(w, { queues: ['dispatch-sms'], now: w.clock.at });
    apps.push(worker);
    await worker.printed('ready');
    w.twilio.setHold(1500);
    const tick = await runTick(w.deps, w.clock.at);
    expect(tick.dispatchJobs).toBeGreaterThanOrEqual(1);
    await until(() => w.twilio.accepted.some((m) => m.to === phone), 'the SMS to reach Twilio', 30_000); // Twilio has it …
    expect(await worker.kill()).toBe('SIGKILL'); // … and the worker died before recording the sid
    const atKill = w.twilio.accepted.filter((m) => m.to === phone).length;
    w.twilio.setHold(0);

    await fresh?.close();
    fresh = new JobRunner({ redis: w.deps.redis, redisUrl: w.redis.url, prefix: w.deps.jobs.prefix, logger: w.deps.logger, jobs: ALL_JOBS, settings: { 'dispatch-sms': SHORT_LOCKS } });
    fresh.startWorkers({ ...w.deps, jobs: fresh }, { queues: ['dispatch-sms'], scheduler: false });
    await until(async () => ((await fresh!.queue('dispatch-sms').getJobCounts('completed')).completed ?? 0) >= 1, 'the stalled job to be retried', 20_000);
    await new Promise((r) => setTimeout(r, 300));
    // Twilio has no idempotency key: a message whose outcome is unknown is never sent again.
    expect(w.twilio.accepted.filter((m) => m.to === phone)).toHaveLength(atKill);

    // Nothing is lost either: the reminder chain (from PostgreSQL) re-asks the question once.
    w.clock.at = new Date(w.clock.at.getTime() + 2 * 3600_000 + 60_000);
    const later = await runTick({ ...w.deps, jobs: fresh }, w.clock.at);
    expect(later.reminders).toBeGreaterThanOrEqual(1); // the earlier tests' LINE persons are due a reminder too
    await until(() => w.twilio.accepted.filter((m) => m.to === phone).length === atKill + 1, 'the reminder', 20_000);
    expect(w.twilio.accepted.filter((m) => m.to === phone).at(-1)!.body).toContain('再送');
    await until(async () => (await sessionsOf(w.deps.db, [person!]))[0]!.reminders_sent === 1, 'the reminder to be counted');
  }, 90_000);
});
