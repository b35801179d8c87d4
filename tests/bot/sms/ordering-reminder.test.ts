import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundEvents, observations } from '../../../db/schema';
import { smsDispatcher } from '../../../src/bot/sms/dispatcher';
import { processTwilioInbox } from '../../../src/bot/twilio/process-inbox';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson } from '../../support/fixtures';
import { createTwilioApiMock } from '../../support/twilio-api-mock';
import { createPendingSession, sid, twilioApp, twilioPost, TWILIO_ENV } from '../twilio/helpers';

const twilioApi = createTwilioApiMock();
let deps: TestDeps;
let app: Awaited<ReturnType<typeof twilioApp>>;
const now = new Date('2026-03-10T01:00:00Z');

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps(TWILIO_ENV, { now: () => now });
  app = await twilioApp(deps);
  await createCentre(deps.db, { code: '13-907', phone: '03-7777-8888' });
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});

describe('one sender, in order', () => {
  it("handles a sender's earlier message first, whichever job runs first", async () => {
    const person = await createPerson(deps.db, '13-907', { phone: '090-7777-0001', preferredChannel: 'sms' }, now);
    const session = await createPendingSession(deps, person.id, 'sms', now);
    await smsDispatcher.sendPrompts(deps, [session.id], 'prompt');
    const first = { MessageSid: sid('SM'), From: '+819077770001', Body: '36.9' };
    const second = { MessageSid: sid('SM'), From: '+819077770001', Body: '2' };
    await twilioPost(app, '/webhooks/twilio/sms', first);
    await twilioPost(app, '/webhooks/twilio/sms', second);
    const [e2] = await deps.db.select().from(inboundEvents).where(eq(inboundEvents.providerEventId, second.MessageSid));
    const sent = twilioApi.messages.length;
    await processTwilioInbox(deps, e2!.id); // the second job ran first
    // Both replies went out, in the order of the messages they answer.
    expect(twilioApi.messages.slice(sent).map((m) => m.body.split('\n')[0])).toEqual(['表情・顔色がいつもと違う？', '息苦しさはある？']);
    const obs = await deps.db.select().from(observations).where(eq(observations.sessionId, session.id));
    expect(obs.map((o) => [o.questionId, o.raw]).sort()).toEqual([['face', '2'], ['temperature', '36.9']]);
    const [e1] = await deps.db.select().from(inboundEvents).where(eq(inboundEvents.providerEventId, first.MessageSid));
    expect(e1!.processedAt).not.toBeNull();
    await processTwilioInbox(deps, e1!.id); // its own job later: nothing more happens
    expect(await deps.db.select().from(observations).where(eq(observations.sessionId, session.id))).toHaveLength(2);
    expect(twilioApi.messages.length).toBe(sent + 2);
  });
});

describe('an SMS reminder', () => {
  it('asks the waiting question again, marked 【再送】, once per reminder', async () => {
    const person = await createPerson(deps.db, '13-907', { phone: '090-7777-0002', preferredChannel: 'sms' }, now);
    const session = await createPendingSession(deps, person.id, 'sms', now);
    await smsDispatcher.sendPrompts(deps, [session.id], 'prompt');
    const prompt = twilioApi.messages.at(-1)!;
    await smsDispatcher.sendPrompts(deps, [session.id], 'reminder');
    const reminder = twilioApi.messages.at(-1)!;
    expect(reminder.sid).not.toBe(prompt.sid);
    // The question, not the greeting that came with it.
    expect(reminder.body).toBe(`【再送】\n${prompt.body.split('\n').at(-1)}`);
    expect(reminder.body).toContain('体温');
    expect(reminder.to).toBe('+819077770002');
    await smsDispatcher.sendPrompts(deps, [session.id], 'reminder'); // the job retried
    expect(twilioApi.messages.at(-1)!.sid).toBe(reminder.sid);
  });
});
