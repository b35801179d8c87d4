import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, checkSessions, outboundMessages } from '../../../db/schema';
import { voiceDispatcher } from '../../../src/bot/voice/dispatcher';
import { retryCallOrGiveUp } from '../../../src/bot/voice/retry';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson } from '../../support/fixtures';
import { createTwilioApiMock } from '../../support/twilio-api-mock';
import { createPendingSession, runInboundJobs, twilioApp, twilioPost, TWILIO_ENV } from '../twilio/helpers';

const twilioApi = createTwilioApiMock();
let deps: TestDeps;
let app: Awaited<ReturnType<typeof twilioApp>>;
let clock = new Date('2026-03-10T00:00:00Z'); // 09:00 in Tokyo
const MIN = 60_000;

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps(TWILIO_ENV, { now: () => clock });
  app = await twilioApp(deps);
  await createCentre(deps.db, { code: '13-906', phone: '03-6666-7777' });
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});

async function callStatus(callSid: string, to: string, status: string, extra: Record<string, string> = {}) {
  const res = await twilioPost(app, '/webhooks/twilio/status', { CallSid: callSid, CallStatus: status, To: to, Direction: 'outbound-api', ...extra });
  expect(res.status).toBe(200);
  await runInboundJobs(deps);
}
const sessionRow = async (id: string) => (await deps.db.select().from(checkSessions).where(eq(checkSessions.id, id)))[0]!;

describe('unanswered calls', () => {
  it('are retried 30 minutes later, at most 3 calls, then raise a non-responder alert', async () => {
    clock = new Date('2026-03-10T00:00:00Z');
    const person = await createPerson(deps.db, '13-906', { phone: '090-6666-0001', preferredChannel: 'voice' }, clock);
    const session = await createPendingSession(deps, person.id, 'voice', clock);
    await voiceDispatcher.sendPrompts(deps, [session.id], 'prompt');
    const outcomes: Record<string, string>[] = [{ CallStatus: 'no-answer' }, { CallStatus: 'busy' }, { CallStatus: 'completed', AnsweredBy: 'machine_end_beep' }];
    for (const [i, outcome] of outcomes.entries()) {
      const call = twilioApi.calls.at(-1)!;
      expect(call.to).toBe('+819066660001');
      const { CallStatus, ...extra } = outcome;
      await callStatus(call.sid, call.to, CallStatus!, extra);
      const row = (await deps.db.select().from(outboundMessages).where(eq(outboundMessages.providerMessageId, call.sid)))[0]!;
      expect(row.status).toBe('undelivered');
      const s = await sessionRow(session.id);
      expect(s.callAttempts).toBe(i + 1);
      if (i < 2) {
        expect(s.nextActionAt).toEqual(new Date(clock.getTime() + 30 * MIN));
        // Not yet due: the tick would not pick it; when due, the next call goes out.
        clock = new Date(clock.getTime() + 30 * MIN);
        expect(await retryCallOrGiveUp(deps, session.id)).toBe('called');
        expect(twilioApi.calls.at(-1)!.sid).not.toBe(call.sid);
      }
    }
    const raised = await deps.db.select().from(alerts).where(and(eq(alerts.personId, person.id), eq(alerts.reason, 'non_responder')));
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ severity: 'amber', dedupeKey: `non_responder:${session.id}`, sessionId: session.id });
    expect((await sessionRow(session.id)).nextActionAt).toBeNull();
    expect(twilioApi.calls.filter((c) => c.url.includes(session.id))).toHaveLength(3);
    expect(await retryCallOrGiveUp(deps, session.id)).toBe('gave_up');
    expect(twilioApi.calls.filter((c) => c.url.includes(session.id))).toHaveLength(3);
  });

  it('raise a red alert for a person with risk factors', async () => {
    clock = new Date('2026-03-10T00:00:00Z');
    const person = await createPerson(deps.db, '13-906', { phone: '090-6666-0002', preferredChannel: 'voice', dateOfBirth: '1940-01-01' }, clock);
    const session = await createPendingSession(deps, person.id, 'voice', clock);
    await deps.db.update(checkSessions).set({ callAttempts: 2 }).where(eq(checkSessions.id, session.id));
    expect(await retryCallOrGiveUp(deps, session.id)).toBe('called');
    const call = twilioApi.calls.at(-1)!;
    await callStatus(call.sid, call.to, 'no-answer');
    const [alert] = await deps.db.select().from(alerts).where(and(eq(alerts.personId, person.id), eq(alerts.reason, 'non_responder')));
    expect(alert!.severity).toBe('red');
  });

  it('are never placed during quiet hours: the retry waits until 08:00 local', async () => {
    clock = new Date('2026-03-10T11:40:00Z'); // 20:40 in Tokyo
    const person = await createPerson(deps.db, '13-906', { phone: '090-6666-0003', preferredChannel: 'voice' }, clock);
    const session = await createPendingSession(deps, person.id, 'voice', clock); // open until 08:40 the next day
    await voiceDispatcher.sendPrompts(deps, [session.id], 'prompt');
    const call = twilioApi.calls.at(-1)!;
    await callStatus(call.sid, call.to, 'no-answer');
    const eight = new Date('2026-03-10T23:00:00Z'); // 08:00 in Tokyo
    expect((await sessionRow(session.id)).nextActionAt).toEqual(eight);
    clock = new Date('2026-03-10T13:00:00Z'); // 22:00: a tick that runs early still does not call
    expect(await retryCallOrGiveUp(deps, session.id)).toBe('deferred');
    expect((await sessionRow(session.id)).nextActionAt).toEqual(eight);
    expect(twilioApi.calls.filter((c) => c.url.includes(session.id))).toHaveLength(1);
    clock = eight;
    expect(await retryCallOrGiveUp(deps, session.id)).toBe('called');
  });

  it('an answered call counts as reached', async () => {
    clock = new Date('2026-03-10T00:00:00Z');
    const person = await createPerson(deps.db, '13-906', { phone: '090-6666-0004', preferredChannel: 'voice' }, clock);
    const session = await createPendingSession(deps, person.id, 'voice', clock);
    await voiceDispatcher.sendPrompts(deps, [session.id], 'prompt');
    const call = twilioApi.calls.at(-1)!;
    await callStatus(call.sid, call.to, 'in-progress', { AnsweredBy: 'human' });
    await callStatus(call.sid, call.to, 'completed', { AnsweredBy: 'human' });
    const row = (await deps.db.select().from(outboundMessages).where(eq(outboundMessages.providerMessageId, call.sid)))[0]!;
    expect(row.status).toBe('delivered');
    expect(await deps.db.select().from(alerts).where(eq(alerts.personId, person.id))).toHaveLength(0);
  });
});
