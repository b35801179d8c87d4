import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, checkSessions, outboundMessages, persons } from '../../../db/schema';
import { countSmsSegments } from '../../../src/bot/sms/segments';
import { runTick } from '../../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson } from '../../support/fixtures';
import { createTwilioApiMock } from '../../support/twilio-api-mock';
import { drained } from '../../jobs/support/wait';
import { runInboundJobs, twilioApp, twilioPost, TWILIO_ENV } from './helpers';

// The reminder chain of SMS and voice sessions with the default delays, driven the way
// production runs it: the scheduler tick (runTick with a clock) creates and dispatches the
// round, Twilio's status callbacks say what reached the person, and the tick takes the next
// step (the dispatch and call jobs run on real workers). Every chain ends in an answer or
// a non-responder alert.
const twilioApi = createTwilioApiMock();
const QUEUES = ['dispatch-sms', 'dispatch-voice', 'rounds'] as const;
let deps: TestDeps;
let app: Awaited<ReturnType<typeof twilioApp>>;
let clock = new Date('2026-03-10T00:00:00Z');

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps({ ...TWILIO_ENV, CALLS_PER_SECOND: '50' }, { now: () => clock });
  app = await twilioApp(deps);
  await createCentre(deps.db, { code: '13-908', phone: '03-8888-9999' });
  deps.jobs.startWorkers(deps, { scheduler: false, queues: [...QUEUES] });
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});

/** One tick at a JST wall-clock time ("2026-03-10 09:31"), then wait for its jobs. */
async function tickAt(jst: string) {
  clock = new Date(`${jst.replace(' ', 'T')}:00+09:00`);
  const summary = await runTick(deps, clock);
  await drained(deps.jobs, QUEUES);
  return summary;
}
async function callback(jst: string, params: Record<string, string>) {
  clock = new Date(`${jst.replace(' ', 'T')}:00+09:00`);
  expect((await twilioPost(app, '/webhooks/twilio/status', params)).status).toBe(200);
  await runInboundJobs(deps);
}
const callsTo = (to: string) => twilioApi.calls.filter((c) => c.to === to);
const smsTo = (to: string) => twilioApi.messages.filter((m) => m.to === to);
const nonResponder = (personId: string) => deps.db.select().from(alerts).where(and(eq(alerts.personId, personId), eq(alerts.reason, 'non_responder')));
const sessionsOf = (personId: string) => deps.db.select().from(checkSessions).where(eq(checkSessions.personId, personId)).orderBy(checkSessions.dueAt);
/** Out of the later rounds of the file's other scenarios. */
const retire = (personId: string) => deps.db.update(persons).set({ status: 'hospitalized' }).where(eq(persons.id, personId));

describe('an unanswered voice call', () => {
  it('is called again CALL_RETRY_MINUTES (30) later, three calls in all, then the non-responder alert', async () => {
    clock = new Date('2026-03-10T08:00:00+09:00');
    const number = '+819088880001';
    const person = await createPerson(deps.db, '13-908', { phone: '090-8888-0001', preferredChannel: 'voice', roundTimes: ['09:00'] }, clock);

    await tickAt('2026-03-10 09:00');
    expect(callsTo(number)).toHaveLength(1);
    await callback('2026-03-10 09:01', { CallSid: callsTo(number)[0]!.sid, CallStatus: 'no-answer', To: number, Direction: 'outbound-api' });
    await tickAt('2026-03-10 09:30');
    expect(callsTo(number)).toHaveLength(1); // not before the retry delay
    await tickAt('2026-03-10 09:31');
    expect(callsTo(number)).toHaveLength(2); // 30 minutes after no answer, not REMINDER_AFTER_MINUTES (120)
    await callback('2026-03-10 09:32', { CallSid: callsTo(number)[1]!.sid, CallStatus: 'busy', To: number, Direction: 'outbound-api' });
    await tickAt('2026-03-10 10:02');
    expect(callsTo(number)).toHaveLength(3);
    expect(await nonResponder(person.id)).toHaveLength(0);
    await callback('2026-03-10 10:03', { CallSid: callsTo(number)[2]!.sid, CallStatus: 'failed', To: number, Direction: 'outbound-api' });

    const raised = await nonResponder(person.id);
    expect(raised).toHaveLength(1);
    expect(raised[0]!.severity).toBe('amber');
    const rows = await deps.db.select().from(outboundMessages).where(and(eq(outboundMessages.personId, person.id), eq(outboundMessages.kind, 'call')));
    expect(rows.map((r) => r.status).sort()).toEqual(['failed', 'undelivered', 'undelivered']);
    for (const at of ['2026-03-10 10:33', '2026-03-10 12:00', '2026-03-10 14:00']) await tickAt(at);
    expect(callsTo(number)).toHaveLength(3);
    expect(await nonResponder(person.id)).toHaveLength(1);
    await retire(person.id);
  });
});

describe('an SMS prompt that did not reach the person', () => {
  it('is sent again 30 minutes later, then calls follow — and the chain still ends in the non-responder alert', async () => {
    clock = new Date('2026-03-11T08:00:00+09:00');
    const number = '+819088880002';
    const person = await createPerson(deps.db, '13-908', { phone: '090-8888-0002', preferredChannel: 'sms', roundTimes: ['09:00'] }, clock);

    await tickAt('2026-03-11 09:00');
    const [prompt] = smsTo(number);
    expect(prompt!.body).toContain('体温');
    await callback('2026-03-11 09:01', { MessageSid: prompt!.sid, MessageStatus: 'failed', ErrorCode: '30003', To: number });
    await tickAt('2026-03-11 09:30');
    expect(smsTo(number)).toHaveLength(1);
    await tickAt('2026-03-11 09:31');
    const retry = smsTo(number)[1]!;
    expect(retry.body).toBe('【再送】\n今日の体温は？（例: 36.8）');
    await callback('2026-03-11 09:32', { MessageSid: retry.sid, MessageStatus: 'delivered', To: number });

    // Delivered but not answered: the automated call comes CALL_AFTER_REMINDER_MINUTES later.
    await tickAt('2026-03-11 11:30');
    expect(callsTo(number)).toHaveLength(0);
    await tickAt('2026-03-11 11:31');
    expect(callsTo(number)).toHaveLength(1);
    for (const [i, at] of [['2026-03-11 11:32', '2026-03-11 12:02'], ['2026-03-11 12:03', '2026-03-11 12:33']].entries()) {
      await callback(at[0]!, { CallSid: callsTo(number)[i]!.sid, CallStatus: 'no-answer', To: number, Direction: 'outbound-api' });
      await tickAt(at[1]!);
      expect(callsTo(number)).toHaveLength(i + 2); // a call again, never the old SMS instead
    }
    expect(smsTo(number)).toHaveLength(2);
    await callback('2026-03-11 12:34', { CallSid: callsTo(number)[2]!.sid, CallStatus: 'no-answer', To: number, Direction: 'outbound-api' });
    expect(await nonResponder(person.id)).toHaveLength(1);
    await tickAt('2026-03-11 23:59');
    expect(callsTo(number)).toHaveLength(3);
    expect(await nonResponder(person.id)).toHaveLength(1);
    await retire(person.id);
  });

  it('falls back to a call when the SMS fails again', async () => {
    clock = new Date('2026-03-12T08:00:00+09:00');
    const number = '+819088880003';
    const person = await createPerson(deps.db, '13-908', { phone: '090-8888-0003', preferredChannel: 'sms', roundTimes: ['09:00'] }, clock);
    await tickAt('2026-03-12 09:00');
    await callback('2026-03-12 09:01', { MessageSid: smsTo(number)[0]!.sid, MessageStatus: 'undelivered', ErrorCode: '30003', To: number });
    await tickAt('2026-03-12 09:31');
    const retry = smsTo(number)[1]!;
    await callback('2026-03-12 09:32', { MessageSid: retry.sid, MessageStatus: 'undelivered', ErrorCode: '30003', To: number });
    const [row] = await deps.db.select().from(outboundMessages).where(eq(outboundMessages.providerMessageId, retry.sid));
    expect(row).toMatchObject({ status: 'undelivered', errorCode: '30003', kind: 'reminder' });
    await tickAt('2026-03-12 10:02');
    expect(callsTo(number)).toHaveLength(1);
    expect(callsTo(number)[0]!.url).toContain((await sessionsOf(person.id))[0]!.id);
    await retire(person.id);
  });
});

describe('at most CALL_MAX_ATTEMPTS calls a day', () => {
  it('counts the calls of every round of the local day, not of each round', async () => {
    clock = new Date('2026-03-13T08:00:00+09:00');
    const number = '+819088880004';
    const person = await createPerson(deps.db, '13-908', { phone: '090-8888-0004', preferredChannel: 'sms', roundTimes: ['09:00', '15:00'] }, clock);
    const noAnswer = (at: string, i: number) => callback(at, { CallSid: callsTo(number)[i]!.sid, CallStatus: 'no-answer', To: number, Direction: 'outbound-api' });

    // Morning: prompt, reminder, then three unanswered calls and the alert.
    await tickAt('2026-03-13 09:00');
    await tickAt('2026-03-13 11:00');
    expect(smsTo(number)).toHaveLength(2);
    await tickAt('2026-03-13 13:00');
    await noAnswer('2026-03-13 13:01', 0);
    await tickAt('2026-03-13 13:31');
    await noAnswer('2026-03-13 13:32', 1);
    await tickAt('2026-03-13 14:02');
    await noAnswer('2026-03-13 14:03', 2);
    expect(callsTo(number)).toHaveLength(3);
    expect(await nonResponder(person.id)).toHaveLength(1);

    // Afternoon round: prompt and reminder by SMS; the day's calls are spent, so the alert comes without a fourth call.
    await tickAt('2026-03-13 15:00');
    await tickAt('2026-03-13 17:00');
    expect(smsTo(number)).toHaveLength(4);
    const summary = await tickAt('2026-03-13 19:00');
    expect(summary.calls).toBe(0);
    expect(callsTo(number)).toHaveLength(3);
    const afternoon = (await sessionsOf(person.id)).find((s) => s.round === '15:00')!;
    expect((await nonResponder(person.id)).map((a) => a.sessionId)).toContain(afternoon.id);

    // The next day starts afresh.
    await tickAt('2026-03-14 09:00');
    await tickAt('2026-03-14 11:00');
    await tickAt('2026-03-14 13:00');
    expect(callsTo(number)).toHaveLength(4);
    await retire(person.id);
  });
});

describe('a person who opted out of SMS (STOP)', () => {
  const stop = async (jst: string, from: string) => {
    clock = new Date(`${jst.replace(' ', 'T')}:00+09:00`);
    await twilioPost(app, '/webhooks/twilio/sms', { MessageSid: `SMstop${Date.now()}`, From: from, Body: 'STOP' });
    await runInboundJobs(deps);
  };
  const optedOutAlerts = async (personId: string) => (await deps.db.select().from(alerts).where(eq(alerts.personId, personId))).map((a) => a.reason);

  it('gets no round: it is cancelled, not marked prompted; no call and no non-responder alert follow', async () => {
    clock = new Date('2026-03-16T08:00:00+09:00');
    const number = '+819088880006';
    const person = await createPerson(deps.db, '13-908', { phone: '090-8888-0006', preferredChannel: 'sms', roundTimes: ['09:00'] }, clock);
    await stop('2026-03-16 08:30', number);
    const sent = smsTo(number).length; // the STOP confirmation
    for (const at of ['2026-03-16 09:00', '2026-03-16 11:00', '2026-03-16 13:00', '2026-03-16 15:00', '2026-03-17 00:01']) await tickAt(at);
    const [session] = await sessionsOf(person.id);
    expect(session).toMatchObject({ status: 'cancelled', promptedAt: null, nextActionAt: null });
    expect(smsTo(number)).toHaveLength(sent);
    expect(callsTo(number)).toHaveLength(0);
    expect(await optedOutAlerts(person.id)).toEqual(['opted_out']); // the one alert, when they opted out
    await retire(person.id);
  });

  it('mid-check: the reminder chain stops (no reminder, call or alert), and a late answer is still recorded', async () => {
    clock = new Date('2026-03-17T08:00:00+09:00');
    const number = '+819088880007';
    const person = await createPerson(deps.db, '13-908', { phone: '090-8888-0007', preferredChannel: 'sms', roundTimes: ['09:00'] }, clock);
    await tickAt('2026-03-17 09:00');
    await stop('2026-03-17 09:10', number);
    const sent = smsTo(number).length;
    for (const at of ['2026-03-17 11:00', '2026-03-17 13:00', '2026-03-17 15:00']) await tickAt(at);
    expect(smsTo(number)).toHaveLength(sent);
    expect(callsTo(number)).toHaveLength(0);
    clock = new Date('2026-03-17T16:00:00+09:00');
    await twilioPost(app, '/webhooks/twilio/sms', { MessageSid: `SMlate${Date.now()}`, From: number, Body: '36.4' });
    await runInboundJobs(deps);
    expect((await sessionsOf(person.id))[0]!.state).not.toBeNull();
    await tickAt('2026-03-18 00:01'); // the round is over
    expect((await sessionsOf(person.id))[0]!.status).toBe('missed');
    expect(await optedOutAlerts(person.id)).toEqual(['opted_out']);
    await retire(person.id);
  });
});

describe('an SMS reminder of a question split over two messages', () => {
  it('sends the whole question again, each part within two segments', async () => {
    clock = new Date('2026-03-15T08:00:00+09:00');
    const number = '+819088880005';
    const person = await createPerson(deps.db, '13-908', { phone: '090-8888-0005', preferredChannel: 'sms', roundTimes: ['09:00'] }, clock);
    await tickAt('2026-03-15 09:00');
    // Answer until the numbered urgent-symptoms list, which needs two SMS.
    for (let turn = 0; turn < 30 && !/^\d+:/.test(smsTo(number).at(-1)!.body); turn++) {
      const q = smsTo(number).at(-1)!.body;
      const answer = q.includes('体温') ? '36.5' : q.includes('SpO2') ? '97' : q.includes('脈拍') ? '80' : '2';
      clock = new Date(clock.getTime() + 60_000);
      await twilioPost(app, '/webhooks/twilio/sms', { MessageSid: `SM${turn}x${Date.now()}`, From: number, Body: answer });
      await runInboundJobs(deps);
    }
    const [question, continuation] = smsTo(number).slice(-2).map((m) => m.body);
    expect(continuation).toMatch(/^\d+:/);
    const sent = smsTo(number).length;

    await tickAt('2026-03-15 11:00');
    const reminder = smsTo(number).slice(sent).map((m) => m.body);
    expect(reminder).toHaveLength(2);
    expect(reminder[0]!.startsWith('【再送】\n')).toBe(true);
    // Every numbered item of the question is in the reminder, and the question itself.
    const items = `${question}\n${continuation}`.match(/\d+:[^ \n]+/g)!;
    expect(items.length).toBeGreaterThan(10);
    for (const item of items) expect(reminder.join(' ')).toContain(item);
    const asked = question!.split('\n').at(-1)!.split(' 1:')[0]!; // 「当てはまる症状の番号を全部…」
    expect(asked).toContain('症状');
    expect(reminder[0]).toContain(asked);
    for (const body of reminder) expect(countSmsSegments(body).segments).toBeLessThanOrEqual(2);
    await retire(person.id);
  });
});
