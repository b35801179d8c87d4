import { appendFile } from 'node:fs/promises';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../../../db/client';
import { alerts, checkSessions, inboundEvents, observations } from '../../../db/schema';
import { processLineInbound } from '../../../src/bot/line/process-inbound';
import { smsDispatcher } from '../../../src/bot/sms/dispatcher';
import { processTwilioInbox } from '../../../src/bot/twilio/process-inbox';
import type { Deps } from '../../../src/deps';
import { buttonsOf, clock, issueCode, linkedPatient, newUserId, postbackEvent, postWebhook, registerPatient, say, setupLine, textEvent, textsOf, type LineTest } from '../../bot/line/helpers';
import { createPendingSession, sid, twilioApp, twilioPost, TWILIO_ENV } from '../../bot/twilio/helpers';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { explainRecorded } from '../../support/recorded-statements';
import { createCentre, createPerson } from '../../support/fixtures';
import { createTwilioApiMock } from '../../support/twilio-api-mock';

/**
 * Issue 16, "a lean answer path": the SQL statements one LINE answer and one SMS answer
 * cost, from the stored inbox row to the reply accepted by the provider, counted on the
 * wire by the postgres driver's debug hook. The bounds are today's counts: a change that
 * adds a statement to every answer fails here and has to say why (docs/answer-path.md
 * lists each statement with its EXPLAIN).
 */
// The inbox processor runs without a savepoint per event unless one fails (savepoint +
// release fewer an answer since the pg_stat_statements round of issue 16).
// The set-based batch (answer-read-ahead.ts): links and open sessions read ahead in two
// statements a run, observations + states, replies, claims and settlements written in one
// each — a LINE answer alone 16 → 14; batched, 9.8 → 2.3 (10) and 9.08 → 1.13 (100).
const LINE_ANSWER_MAX = 14; // batch size 1 (one sender a job)
// Batched (INBOUND_BATCH_SIZE): per answer, with the other events' jobs' one statement each.
const BATCH_10_MAX = 2.5; // measured 2.3
const BATCH_100_MAX = 1.2; // measured 1.13
const SMS_ANSWER_MAX = 19;

/** A second handle on the test database whose every statement is recorded. */
async function counted(deps: TestDeps, batchSize = 1): Promise<{ deps: Deps; statements: string[]; params: (readonly unknown[])[]; handle: DbHandle }> {
  const statements: string[] = [];
  const params: (readonly unknown[])[] = [];
  const handle = await createDb({
    url: deps.testDb.url,
    max: 1,
    onStatement: (q, p) => {
      statements.push(q.replace(/\s+/g, ' ').trim());
      params.push(p);
    },
  });
  // A new connection first reads the array types once: not a statement of the answer.
  await handle.db.execute(sql`select 1`);
  statements.length = 0;
  params.length = 0;
  return { deps: { ...deps, env: { ...deps.env, INBOUND_BATCH_SIZE: batchSize }, db: handle.db, dbHandle: handle }, statements, params, handle };
}

/**
 * ANSWER_PATH_STATEMENTS=1 prints the statements; ANSWER_PATH_EXPLAIN=<file> appends each
 * one's EXPLAIN (with enable_seqscan off: on a test database every table is small enough
 * for a sequential scan, and the question is which index each statement can use).
 */
async function report(what: string, c: { statements: string[]; params: (readonly unknown[])[] }, url: string): Promise<void> {
  if (process.env.ANSWER_PATH_STATEMENTS) process.stdout.write(`\n${what}: ${c.statements.length} statements\n${c.statements.map((s, i) => `${i + 1}. ${s}`).join('\n')}\n`);
  const file = process.env.ANSWER_PATH_EXPLAIN;
  if (!file) return;
  const out: string[] = [`## ${what}: ${c.statements.length} statements`, ''];
  for (const [i, statement] of c.statements.entries()) {
    out.push(`${i + 1}. \`${statement.length > 400 ? `${statement.slice(0, 400)} …` : statement}\``, '');
    if (!/^(select|insert|update|delete|with)\b/i.test(statement)) continue;
    const plan = await explainRecorded(url, { text: statement, params: c.params[i] ?? [] }, { settings: ['enable_seqscan = off'] });
    out.push('   ```', ...plan.map((r) => `   ${String(r['QUERY PLAN'])}`), '   ```', '');
  }
  await appendFile(file, `${out.join('\n')}\n`);
}

describe('statements per answer', () => {
  let t: LineTest;
  beforeAll(async () => {
    t = await setupLine();
  });
  afterAll(async () => t.close());

  it(`one LINE button answer: at most ${LINE_ANSWER_MAX} statements, and it is recorded and replied to`, async () => {
    const { personId, user } = await linkedPatient(t);
    const started = await say(t, textEvent(user, '今すぐ報告'));
    expect(textsOf(started)).toContain('体温');
    // The first answer warms the process caches (the flow version) as a running worker has them.
    const warm = await say(t, textEvent(user, '３６度５分'));
    const next = buttonsOf(warm)[0]!;
    expect(next).toBeDefined();
    expect((await postWebhook(t, [postbackEvent(user, next.data)])).status).toBe(200);
    const [event] = await t.deps.db.select({ id: inboundEvents.id }).from(inboundEvents).where(isNull(inboundEvents.processedAt)).orderBy(asc(inboundEvents.seq));
    const before = t.line.calls.length;
    const c = await counted(t.deps);
    try {
      await processLineInbound(c.deps, event!.id);
    } finally {
      await c.handle.close();
    }
    await report('LINE answer', c, t.deps.testDb.url);
    expect(t.line.calls.length).toBe(before + 1); // the reply (or the next question) went out
    const obs = await t.deps.db.select().from(observations).where(eq(observations.personId, personId));
    expect(obs.length).toBeGreaterThanOrEqual(2);
    expect(c.statements.length).toBeGreaterThan(3);
    expect(c.statements.length).toBeLessThanOrEqual(LINE_ANSWER_MAX);
  });
});

describe('statements per LINE answer, answers batched across senders (INBOUND_BATCH_SIZE)', () => {
  let t: LineTest;
  beforeAll(async () => {
    t = await setupLine();
  });
  afterAll(async () => t.close());

  // Per answer, every statement counted: the batch's shared ones (begin, locks, reads,
  // processed_at, commit, the unsent look-up) and one each for the other events' jobs, which
  // find their event handled (as the worker runs them: one job per stored event).
  for (const [size, bound] of [[10, BATCH_10_MAX], [100, BATCH_100_MAX]] as const) {
    it(`${size} patients' typed answers in one batch: at most ${bound} statements an answer, every one recorded and replied to`, async () => {
      const users: string[] = [];
      const personIds: string[] = [];
      for (let i = 0; i < size; i++) personIds.push(await registerPatient(t));
      const codes = await Promise.all(personIds.map((id) => issueCode(t.deps, id)));
      for (let i = 0; i < size; i++) users.push(newUserId());
      await say(t, ...users.map((u, i) => textEvent(u, codes[i]!)));
      await say(t, ...users.map((u) => textEvent(u, '今すぐ報告')));
      await say(t, ...users.map((u) => textEvent(u, '３６度５分'))); // warms the process caches too
      clock.at = new Date(clock.at.getTime() + 1000);
      expect((await postWebhook(t, users.map((u) => textEvent(u, 'いいえ')))).status).toBe(200);
      const events = await t.deps.db.select({ id: inboundEvents.id }).from(inboundEvents).where(isNull(inboundEvents.processedAt)).orderBy(asc(inboundEvents.seq));
      expect(events).toHaveLength(size);
      const before = t.line.calls.length;
      const countObs = async () => (await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(observations).where(inArray(observations.personId, personIds)))[0]!.n;
      const obsBefore = await countObs();
      const c = await counted(t.deps, size);
      try {
        for (const e of events) await processLineInbound(c.deps, e.id);
      } finally {
        await c.handle.close();
      }
      expect(t.line.calls.length).toBe(before + size); // every answer replied to, once
      expect((await countObs()) - obsBefore).toBe(size); // one observation an answer
      // … and every session's new state written (at the answer's time).
      const advanced = await t.deps.db.select({ id: checkSessions.id }).from(checkSessions).where(and(inArray(checkSessions.personId, personIds), eq(checkSessions.updatedAt, clock.at)));
      expect(advanced).toHaveLength(size);
      const perAnswer = c.statements.length / size;
      process.stdout.write(`LINE answers at batch size ${size}: ${c.statements.length} statements, ${perAnswer.toFixed(2)} an answer\n`);
      expect(perAnswer).toBeLessThanOrEqual(bound);
    }, 180_000);
  }
});

describe('statements per SMS answer', () => {
  const twilioApi = createTwilioApiMock();
  let deps: TestDeps;
  const now = new Date('2026-03-10T01:00:00Z');
  beforeAll(async () => {
    twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
    deps = await createTestDeps(TWILIO_ENV, { now: () => now });
    await createCentre(deps.db, { code: '13-931', phone: '03-2222-3333' });
  });
  afterAll(async () => {
    twilioApi.server.close();
    await deps?.close();
  });

  it(`one SMS answer with a fever (an amber alert): at most ${SMS_ANSWER_MAX} statements, the alert raised and the reply sent`, async () => {
    const person = await createPerson(deps.db, '13-931', { phone: '090-2222-0931', preferredChannel: 'sms', hasOximeter: true }, now);
    const session = await createPendingSession(deps, person.id, 'sms', now);
    await smsDispatcher.sendPrompts(deps, [session.id], 'prompt');
    expect(twilioApi.messages.at(-1)!.body).toContain('体温');
    const app = await twilioApp(deps);
    const res = await twilioPost(app, '/webhooks/twilio/sms', { MessageSid: sid('SM'), From: '+819022220931', To: TWILIO_ENV.TWILIO_FROM_NUMBER, Body: '４０度２分' });
    expect(res.status).toBe(200);
    const [event] = await deps.db.select({ id: inboundEvents.id }).from(inboundEvents).where(and(isNull(inboundEvents.processedAt), inArray(inboundEvents.provider, ['twilio_sms'])));
    const sent = twilioApi.messages.length;
    const c = await counted(deps);
    try {
      await processTwilioInbox(c.deps, event!.id);
    } finally {
      await c.handle.close();
    }
    await report('SMS answer', c, deps.testDb.url);
    expect(twilioApi.messages.length).toBeGreaterThan(sent);
    const raised = await deps.db.select().from(alerts).where(eq(alerts.personId, person.id));
    expect(raised).toHaveLength(1);
    expect(c.statements.length).toBeGreaterThan(3);
    expect(c.statements.length).toBeLessThanOrEqual(SMS_ANSWER_MAX);
  });
});
