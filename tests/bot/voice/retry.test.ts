import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, checkSessions, outboundMessages } from '../../../db/schema';
import { TransientSendError } from '../../../src/bot/dispatch';
import { voiceDispatcher } from '../../../src/bot/voice/dispatcher';
import { runTick } from '../../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson } from '../../support/fixtures';
import { createTwilioApiMock } from '../../support/twilio-api-mock';
import { drained } from '../../jobs/support/wait';
import { createPendingSession, runInboundJobs, twilioApp, twilioPost, TWILIO_ENV } from '../twilio/helpers';

// Unanswered calls through the scheduler tick (the 30-minute retries themselves: tests/bot/twilio/chain.test.ts).
const twilioApi = createTwilioApiMock();
const QUEUES = ['dispatch-voice', 'rounds'] as const;
let deps: TestDeps;
let app: Awaited<ReturnType<typeof twilioApp>>;
let clock = new Date('2026-03-10T00:00:00Z'); // 09:00 in Tokyo

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps({ ...TWILIO_ENV, CALLS_PER_SECOND: '50' }, { now: () => clock });
  app = await twilioApp(deps);
  await createCentre(deps.db, { code: '13-906', phone: '03-6666-7777' });
  deps.jobs.startWorkers(deps, { scheduler: false, queues: [...QUEUES] });
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});

const at = (jst: string) => new Date(`${jst.replace(' ', 'T')}:00+09:00`);
async function tickAt(jst: string) {
  clock = at(jst);
  await runTick(deps, clock);
  await drained(deps.jobs, QUEUES);
}
async function callStatus(jst: string, callSid: string, to: string, status: string, extra: Record<string, string> = {}) {
  clock = at(jst);
  const res = await twilioPost(app, '/webhooks/twilio/status', { CallSid: callSid, CallStatus: status, To: to, Direction: 'outbound-api', ...extra });
  expect(res.status).toBe(200);
  await runInboundJobs(deps);
}
const callsTo = (to: string) => twilioApi.calls.filter((c) => c.to === to);
const nonResponder = (personId: string) => deps.db.select().from(alerts).where(and(eq(alerts.personId, personId), eq(alerts.reason, 'non_responder')));

describe('unanswered calls', () => {
  it('raise a red alert for a person with risk factors, after the third call (an answering machine counts as no answer)', async () => {
    clock = at('2026-03-10 08:00');
    const to = '+819066660002';
    const person = await createPerson(deps.db, '13-906', { phone: '090-6666-0002', preferredChannel: 'voice', dateOfBirth: '1940-01-01', roundTimes: ['09:00'] }, clock);
    await tickAt('2026-03-10 09:00');
    await callStatus('2026-03-10 09:01', callsTo(to)[0]!.sid, to, 'no-answer');
    await tickAt('2026-03-10 09:31');
    await callStatus('2026-03-10 09:32', callsTo(to)[1]!.sid, to, 'completed', { AnsweredBy: 'machine_end_beep' });
    await tickAt('2026-03-10 10:02');
    expect(callsTo(to)).toHaveLength(3);
    await callStatus('2026-03-10 10:03', callsTo(to)[2]!.sid, to, 'no-answer');
    const [alert] = await nonResponder(person.id);
    expect(alert!.severity).toBe('red');
  });

  it('are never placed during quiet hours: a retry that would fall after 21:00 ends the round with the alert', async () => {
    clock = at('2026-03-11 08:00');
    const to = '+819066660003';
    const person = await createPerson(deps.db, '13-906', { phone: '090-6666-0003', preferredChannel: 'voice', roundTimes: ['20:40'] }, clock);
    await tickAt('2026-03-11 20:40');
    await callStatus('2026-03-11 20:41', callsTo(to)[0]!.sid, to, 'no-answer');
    // 21:11 is in quiet hours, and the round is over at midnight: no time is left to call.
    expect(await nonResponder(person.id)).toHaveLength(1);
    for (const t of ['2026-03-11 21:11', '2026-03-11 23:00', '2026-03-12 00:01']) await tickAt(t);
    expect(callsTo(to)).toHaveLength(1);
    expect(await nonResponder(person.id)).toHaveLength(1);
  });

  it('a call job that runs late, in quiet hours, places nothing and comes back at 08:00', async () => {
    clock = at('2026-03-12 20:50');
    const person = await createPerson(deps.db, '13-906', { phone: '090-6666-0005', preferredChannel: 'voice', roundTimes: ['23:30'] }, clock);
    const session = await createPendingSession(deps, person.id, 'voice', clock); // e.g. a manual "send now" by call
    clock = at('2026-03-12 21:05'); // the job waited behind the limiter
    const err = await voiceDispatcher.sendPrompts(deps, [session.id], 'prompt').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientSendError);
    expect((err as TransientSendError).retryAfterMs).toBe(at('2026-03-13 08:00').getTime() - clock.getTime());
    expect(callsTo('+819066660005')).toHaveLength(0);
    const [s] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, session.id));
    expect(s!).toMatchObject({ status: 'pending', nextActionAt: at('2026-03-13 08:00') });
  });

  it('an answered call counts as reached', async () => {
    clock = new Date('2026-03-10T00:00:00Z');
    const person = await createPerson(deps.db, '13-906', { phone: '090-6666-0004', preferredChannel: 'voice' }, clock);
    const session = await createPendingSession(deps, person.id, 'voice', clock);
    await voiceDispatcher.sendPrompts(deps, [session.id], 'prompt');
    const call = twilioApi.calls.at(-1)!;
    await callStatus('2026-03-10 09:01', call.sid, call.to, 'in-progress', { AnsweredBy: 'human' });
    await callStatus('2026-03-10 09:05', call.sid, call.to, 'completed', { AnsweredBy: 'human' });
    const row = (await deps.db.select().from(outboundMessages).where(eq(outboundMessages.providerMessageId, call.sid)))[0]!;
    expect(row.status).toBe('delivered');
    expect(await deps.db.select().from(alerts).where(eq(alerts.personId, person.id))).toHaveLength(0);
  });
});
