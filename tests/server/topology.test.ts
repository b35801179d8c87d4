import { botChannelWork } from '../../src/bot/channel-work';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/client';
import { alerts, inboundEvents } from '../../db/schema';
import { signLineBody } from '../../src/bot/line/signature';
import { createInboxGate, processRole, startRole, type RunningRole } from '../../src/boot';
import { parseEnv, type Env } from '../../src/config/env';
import type { Deps } from '../../src/deps';
import { DISPATCH_JOBS } from '../../src/jobs/dispatch';
import { ALL_JOBS } from '../../src/jobs/registry';
import { JobRunner } from '../../src/jobs/runner';
import { createLogger } from '../../src/platform/logger';
import { createRedis } from '../../src/platform/redis';
import { freePort } from '../support/server-process';
import twilio from 'twilio';
import { sid, TWILIO_ENV } from '../bot/twilio/helpers';
import { LogCapture } from '../support/deps';
import { buttonsOf, clock, issueCode, LINE_ENV, linkedPatient, newUserId, postbackEvent, registerPatient, say, setupLine, textEvent, textsOf, type LineTest } from '../bot/line/helpers';
import { senderKeyOf } from '../../src/bot/line/intake';

/**
 * Issue 16: the production topology. An intake (MIMAMORI_ROLE=intake: the public app, no
 * worker, no tick) and a worker process (MIMAMORI_ROLE=workers: jobs and the tick, no app)
 * are composed here in one test process, each with its own database pool and Redis
 * connections over the same PostgreSQL database and queue prefix (separate OS processes
 * start too slowly on the loaded CI machine; the composition is the same startRole that
 * src/server.ts runs). An answer stored by the intake is processed by the workers; and
 * answers are never starved by a round's dispatch: with every connection of the workers'
 * main pool held and thousands of dispatch jobs queued, an answer is still processed
 * (ANSWER_POOL_SIZE), and without the reserved pool it waits — the test can fail.
 */
let t: LineTest;
const opened: { deps: Deps; close: () => Promise<void> }[] = [];

/** A process's deps over the test's database and queues (as createDeps builds them). */
async function processDeps(overrides: Partial<Record<keyof Env, string>>): Promise<Deps> {
  const raw = Object.fromEntries(Object.entries({ ...LINE_ENV, NODE_ENV: 'test', DATABASE_URL: t.deps.testDb.url, REDIS_URL: t.deps.env.REDIS_URL, APP_SECRET: t.deps.env.APP_SECRET, LOG_LEVEL: 'info', ...overrides }));
  const env = parseEnv(raw);
  const logs = new LogCapture();
  const logger = createLogger({ level: env.LOG_LEVEL, destination: logs });
  const dbHandle = await createDb({ url: env.DATABASE_URL, max: env.DATABASE_POOL_SIZE });
  const redis = createRedis(env.REDIS_URL, logger);
  await redis.ping().catch(() => undefined);
  const jobs = new JobRunner({ redis, redisUrl: env.REDIS_URL, prefix: t.deps.jobs.prefix, logger, jobs: ALL_JOBS });
  const now = () => clock.at;
  const deps: Deps = { env, db: dbHandle.db, dbHandle, redis, jobs, logger, channels: botChannelWork, now, inboxGate: createInboxGate(env, dbHandle.db, logger, now) };
  opened.push({
    deps,
    close: async () => {
      deps.inboxGate?.stop();
      await jobs.close(2000);
      redis.disconnect();
      await dbHandle.close();
    },
  });
  return deps;
}

async function postLine(port: number, events: unknown[]) {
  const body = JSON.stringify({ destination: 'Uxxxxxxxx', events });
  return fetch(`http://127.0.0.1:${port}/webhooks/line`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-line-signature': await signLineBody(LINE_ENV.LINE_CHANNEL_SECRET, body) } });
}

/** An SMS posted to an intake as Twilio posts it (signed for PUBLIC_BASE_URL, the app sees its own host). */
async function postSms(port: number, params: Record<string, string>) {
  const signature = twilio.getExpectedTwilioSignature(TWILIO_ENV.TWILIO_AUTH_TOKEN, `${TWILIO_ENV.PUBLIC_BASE_URL}/webhooks/twilio/sms`, params);
  return fetch(`http://127.0.0.1:${port}/webhooks/twilio/sms`, { method: 'POST', body: new URLSearchParams(params).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature } });
}

async function processedAt(webhookEventId: string): Promise<Date | null> {
  const [row] = await t.deps.db.select({ at: inboundEvents.processedAt }).from(inboundEvents).where(eq(inboundEvents.providerEventId, webhookEventId));
  return row?.at ?? null;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A patient's link code typed in LINE: an answer the workers must judge (and reply to). */
async function linkCodeEvent(): Promise<{ event: { webhookEventId: string }; user: string }> {
  const personId = await registerPatient(t);
  const user = newUserId();
  return { event: textEvent(user, await issueCode(t.deps, personId)) as { webhookEventId: string }, user };
}

/** 120 strangers' LINE messages posted to an intake: a backlog the ordinary lane takes one event a job. */
async function postLineBacklog(port: number): Promise<{ webhookEventId: string }[]> {
  const backlog = Array.from({ length: 120 }, () => textEvent(newUserId(), 'こんにちは') as { webhookEventId: string });
  for (let i = 0; i < backlog.length; i += 40) expect((await postLine(port, backlog.slice(i, i + 40))).status).toBe(200);
  return backlog;
}

/**
 * Start a worker process's answers group, one ordinary answer a job and one job at a time,
 * until `event` is processed; how many of `backlog` were processed by then.
 */
async function backlogDoneWhenProcessed(event: string, backlog: { webhookEventId: string }[], lane: string, env: Partial<Record<keyof Env, string>> = {}): Promise<number> {
  const workerDeps = await processDeps({ ...env, MIMAMORI_ROLE: 'workers', WORKER_GROUPS: 'answers', INBOUND_CONCURRENCY: '1', INBOUND_BATCH_SIZE: '1', PORT: String(await freePort()) });
  const workers = await startRole(workerDeps, 'workers', { listen: false });
  try {
    expect(workerDeps.jobs.servedQueues()).toContain(lane);
    await waitUntil(async () => (await processedAt(event)) !== null, 60_000);
    const [{ done }] = (await t.deps.db.execute(sql`select count(*)::int as done from inbound_events where provider_event_id = any(${`{${backlog.map((e) => e.webhookEventId).join(',')}}`}::text[]) and processed_at is not null`)) as unknown as [{ done: number }];
    return done;
  } finally {
    await workers.stop(2000);
  }
}

beforeAll(async () => {
  t = await setupLine();
});
afterAll(async () => {
  for (const o of opened.reverse()) await o.close().catch(() => undefined);
  await t?.close();
});

describe('MIMAMORI_ROLE', () => {
  it('defaults to all; WORKERS=off on all means intake; a wrong value is refused', () => {
    const base = { NODE_ENV: 'test' };
    expect(processRole(parseEnv(base))).toBe('all');
    expect(processRole(parseEnv({ ...base, WORKERS: 'off' }))).toBe('intake');
    expect(processRole(parseEnv({ ...base, MIMAMORI_ROLE: 'workers' }))).toBe('workers');
    expect(() => parseEnv({ ...base, MIMAMORI_ROLE: 'both' })).toThrow(/MIMAMORI_ROLE/);
    expect(() => parseEnv({ ...base, WORKER_GROUPS: 'answers,exports' })).toThrow(/WORKER_GROUPS/);
    expect(parseEnv({ ...base, WORKER_GROUPS: ' answers , rounds' }).WORKER_GROUPS).toEqual(['answers', 'rounds']);
  });
});

describe('intake and workers as separate compositions', () => {
  let intake: RunningRole;
  let intakePort: number;

  it('the intake stores and answers but processes nothing; the workers process what it stored', async () => {
    intakePort = await freePort();
    const intakeDeps = await processDeps({ ...TWILIO_ENV, MIMAMORI_ROLE: 'intake', PORT: String(intakePort) });
    intake = await startRole(intakeDeps, processRole(intakeDeps.env));
    expect(intake.role).toBe('intake');
    expect(intakeDeps.jobs.servedQueues()).toEqual([]); // no worker, no tick
    await waitUntil(async () => intakeDeps.inboxGate!.state().readAt !== null, 10_000); // the overload gate reads in an intake

    const { event } = await linkCodeEvent();
    const before = t.line.calls.length;
    const res = await postLine(intakePort, [event]);
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await processedAt(event.webhookEventId)).toBeNull(); // stored, enqueued, not processed
    expect(t.line.calls.length).toBe(before);

    const workerPort = await freePort();
    const workerDeps = await processDeps({ MIMAMORI_ROLE: 'workers', PORT: String(workerPort) });
    const workers = await startRole(workerDeps, 'workers');
    expect(workerDeps.jobs.servedQueues()).toContain('inbound');
    expect(workerDeps.jobs.servedQueues()).toContain('scheduler');
    await waitUntil(async () => (await processedAt(event.webhookEventId)) !== null, 60_000);
    await waitUntil(async () => t.line.calls.slice(before).some((c) => c.endpoint === 'reply'), 30_000);
    // The worker process serves health only, never the app.
    expect((await fetch(`http://127.0.0.1:${workerPort}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${workerPort}/readyz`)).status).toBe(200);
    expect((await postLine(workerPort, [event])).status).toBe(404);
    await workers.stop(2000);
  }, 180_000);

  /**
   * A round holds every connection of the workers' main pool (pg_sleep stands in for a
   * dispatch that got them all) and 2,000 dispatch jobs wait behind it. Whether the answer
   * was processed before the pool was released (wall time: processed_at is the test's clock).
   */
  async function answeredWhilePoolHeld(answerPool: string): Promise<boolean> {
    const workerDeps = await processDeps({ MIMAMORI_ROLE: 'workers', DATABASE_POOL_SIZE: '2', ANSWER_POOL_SIZE: answerPool, PORT: String(await freePort()) });
    // triggerBulk answers false (queues nothing) while Redis is still connecting.
    await waitUntil(async () => workerDeps.redis.status === 'ready', 10_000);
    const queued = await workerDeps.jobs.triggerBulk(
      DISPATCH_JOBS.line,
      Array.from({ length: 2000 }, (_, i) => ({ payload: { sessionIds: [crypto.randomUUID()], kind: 'prompt' as const }, jobId: `dispatch-${answerPool}-${i}` })),
    );
    expect(queued).toBe(true);
    let releasedAt = 0;
    const holding = Promise.all([1, 2].map(() => workerDeps.db.execute(sql`select pg_sleep(12)`))).then(() => (releasedAt = Date.now()));
    const workers = await startRole(workerDeps, 'workers', { listen: false });
    const { event } = await linkCodeEvent();
    expect((await postLine(intakePort, [event])).status).toBe(200);
    await waitUntil(async () => (await processedAt(event.webhookEventId)) !== null, 120_000);
    const beforeRelease = releasedAt === 0;
    await holding;
    await workers.stop(2000);
    await workerDeps.jobs.queue('dispatch-line').obliterate({ force: true });
    return beforeRelease;
  }

  it('answers first: processed while a round holds the main pool and 2,000 dispatch jobs wait; not without the reserved pool', async () => {
    expect(await answeredWhilePoolHeld('4')).toBe(true);
    expect(await answeredWhilePoolHeld('0')).toBe(false);
  }, 300_000);

  it('a reply leaves once its answer is committed, while a long round dispatch is still queued', async () => {
    // 3,000 multicast jobs: at LINE_MULTICAST_PER_SECOND 20 the queue needs 150 s to drain.
    const workerDeps = await processDeps({ MIMAMORI_ROLE: 'workers', PORT: String(await freePort()), LINE_MULTICAST_PER_SECOND: '20' });
    await waitUntil(async () => workerDeps.redis.status === 'ready', 10_000);
    const queued = await workerDeps.jobs.triggerBulk(
      DISPATCH_JOBS.line,
      Array.from({ length: 3000 }, (_, i) => ({ payload: { sessionIds: [crypto.randomUUID()], kind: 'prompt' as const }, jobId: `dispatch-reply-${i}` })),
    );
    expect(queued).toBe(true);
    const workers = await startRole(workerDeps, 'workers', { listen: false });
    const { event } = await linkCodeEvent();
    const replyToken = (event as { replyToken?: string }).replyToken;
    const before = t.line.calls.length;
    expect((await postLine(intakePort, [event])).status).toBe(200);
    await waitUntil(async () => t.line.calls.slice(before).some((c) => c.endpoint === 'reply' && c.body.replyToken === replyToken), 60_000);
    // The reply went out (through the reply token) with the round's dispatch still waiting in its queue.
    const counts = await workerDeps.jobs.queue('dispatch-line').getJobCounts('waiting', 'prioritized', 'delayed', 'active');
    expect(Object.values(counts).reduce((n, c) => n + c, 0)).toBeGreaterThan(2000);
    await workerDeps.jobs.queue('dispatch-line').obliterate({ force: true });
    await workers.stop(2000);
  }, 180_000);

  it('the urgent lane: a tapped red answer is processed ahead of the answers\' backlog, by its own worker', async () => {
    // A patient reads back a typed SpO2 of 92: the 「はい」 button that records it is marked red (u=1).
    const { personId, user } = await linkedPatient(t);
    await say(t, textEvent(user, '今すぐ報告'));
    let calls = await say(t, textEvent(user, '36.6'));
    for (let i = 0; i < 3 && !buttonsOf(calls).some((b) => b.data.endsWith('&u=1')); i++) calls = await say(t, textEvent(user, '92'));
    const yes = buttonsOf(calls).find((b) => b.data.endsWith('&u=1'));
    expect(yes, 'the read-back of 92 % offers a red-marked 「はい」').toBeDefined();
    // A backlog the ordinary lane takes one event a job, one job at a time: 120 messages of strangers.
    const backlog = await postLineBacklog(intakePort);
    const red = postbackEvent(user, yes!.data) as { webhookEventId: string };
    expect((await postLine(intakePort, [red])).status).toBe(200);
    const done = await backlogDoneWhenProcessed(red.webhookEventId, backlog, 'inbound-urgent');
    // In one lane it would be the 121st; with its own it goes within the first few of the backlog.
    expect(done).toBeLessThan(backlog.length / 2);
    const raised = await t.deps.db.select({ severity: alerts.severity }).from(alerts).where(eq(alerts.personId, personId));
    expect(raised.map((a) => a.severity)).toContain('red');
  }, 180_000);

  it('a typed red answer takes the urgent lane too: a SpO2 of 92 typed is processed ahead of the backlog', async () => {
    // At the SpO2 question the worker keeps the sender's hint (≤ 93 is red once read back); the intake reads it.
    const { user } = await linkedPatient(t, { hasOximeter: true });
    await say(t, textEvent(user, '今すぐ報告'));
    const asked = await say(t, textEvent(user, '36.6'));
    expect(textsOf(asked)).toContain('SpO2');
    const backlog = await postLineBacklog(intakePort);
    const typed = textEvent(user, '９２') as { webhookEventId: string };
    expect((await postLine(intakePort, [typed])).status).toBe(200);
    const done = await backlogDoneWhenProcessed(typed.webhookEventId, backlog, 'inbound-urgent');
    expect(done).toBeLessThan(backlog.length / 2);
    const [hint] = [...(await t.deps.jobs.typedRedHints.read([await senderKeyOf(user)])).values()];
    expect(hint).toEqual({ kind: 'yes' }); // now the read-back: a typed 「はい」 is red
    // Confirmed: the next question (the pulse) has no red typed answer, so the sender's hint is forgotten.
    await say(t, textEvent(user, 'はい'));
    expect((await t.deps.jobs.typedRedHints.read([await senderKeyOf(user)])).size).toBe(0);
  }, 180_000);

  it('the Twilio lane: an SMS answer is processed ahead of LINE\'s backlog, by its own worker', async () => {
    // LINE's backlog, then an SMS.
    const backlog = await postLineBacklog(intakePort);
    const sms = { MessageSid: sid('SM'), AccountSid: TWILIO_ENV.TWILIO_ACCOUNT_SID, From: '+819012340016', To: TWILIO_ENV.TWILIO_FROM_NUMBER, Body: '36.5' };
    expect((await postSms(intakePort, sms)).status).toBe(200);
    const done = await backlogDoneWhenProcessed(sms.MessageSid, backlog, 'inbound-twilio', TWILIO_ENV);
    // Behind LINE's answers it would come after all 120 (and what the test before left); in its own lane, within the first few.
    expect(done).toBeLessThan(backlog.length / 2);
  }, 180_000);

  afterAll(async () => {
    await intake?.stop(2000);
  });
});
