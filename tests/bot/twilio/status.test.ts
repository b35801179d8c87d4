import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alerts, checkSessions, outboundMessages, personChannels } from '../../../db/schema';
import { smsDispatcher } from '../../../src/bot/sms/dispatcher';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson } from '../../support/fixtures';
import { createTwilioApiMock } from '../../support/twilio-api-mock';
import { createPendingSession, runInboundJobs, twilioApp, twilioPost, TWILIO_ENV } from './helpers';

const twilioApi = createTwilioApiMock();
let deps: TestDeps;
let app: Awaited<ReturnType<typeof twilioApp>>;
let clock = new Date('2026-03-10T01:00:00Z'); // 10:00 in Tokyo
const MIN = 60_000;

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps(TWILIO_ENV, { now: () => clock });
  app = await twilioApp(deps);
  await createCentre(deps.db, { code: '13-905', phone: '03-5555-6666' });
});
beforeEach(() => {
  clock = new Date('2026-03-10T01:00:00Z');
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});

async function status(params: Record<string, string>) {
  const res = await twilioPost(app, '/webhooks/twilio/status', params);
  expect(res.status).toBe(200);
  await runInboundJobs(deps);
}

const rowOf = async (providerMessageId: string) => (await deps.db.select().from(outboundMessages).where(eq(outboundMessages.providerMessageId, providerMessageId)))[0]!;

async function prompted(local: string) {
  const person = await createPerson(deps.db, '13-905', { phone: local, preferredChannel: 'sms' }, clock);
  const session = await createPendingSession(deps, person.id, 'sms', clock);
  await smsDispatcher.sendPrompts(deps, [session.id], 'prompt');
  return { personId: person.id, sessionId: session.id, message: twilioApi.messages.at(-1)! };
}

describe('SMS status callbacks', () => {
  it('move the status forward only: a late "sent" after "delivered" is ignored', async () => {
    const { message } = await prompted('090-5555-0001');
    await status({ MessageSid: message.sid, MessageStatus: 'sent', To: message.to });
    expect((await rowOf(message.sid)).status).toBe('sent');
    await status({ MessageSid: message.sid, MessageStatus: 'delivered', To: message.to });
    await status({ MessageSid: message.sid, MessageStatus: 'sent', To: message.to, Late: 'yes' });
    expect((await rowOf(message.sid)).status).toBe('delivered');
  });

  it('always answer 2xx, even for a message we never sent', async () => {
    await status({ MessageSid: 'SMunknown', MessageStatus: 'failed', To: '+819000000000' });
  });

  it('record a failed prompt and look at the session again 30 minutes after the callback (the tick then retries: chain.test.ts)', async () => {
    const { sessionId, message } = await prompted('090-5555-0002');
    clock = new Date(clock.getTime() + 3 * MIN); // the callback comes later than the send
    await status({ MessageSid: message.sid, MessageStatus: 'failed', ErrorCode: '30003', To: message.to });
    expect(await rowOf(message.sid)).toMatchObject({ status: 'failed', errorCode: '30003' });
    const [s1] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, sessionId));
    expect(s1!.nextActionAt).toEqual(new Date(clock.getTime() + 30 * MIN));
  });

  it('record an undelivered SMS with its error code; 30005 (unknown number) marks the SMS channel unreachable with an alert', async () => {
    const { personId, message } = await prompted('090-5555-0006');
    await status({ MessageSid: message.sid, MessageStatus: 'sent', To: message.to });
    await status({ MessageSid: message.sid, MessageStatus: 'undelivered', ErrorCode: '30005', To: message.to });
    expect(await rowOf(message.sid)).toMatchObject({ status: 'undelivered', errorCode: '30005' });
    await status({ MessageSid: message.sid, MessageStatus: 'delivered', To: message.to }); // too late to change it
    expect((await rowOf(message.sid)).status).toBe('undelivered');
    const [ch] = await deps.db.select().from(personChannels).where(and(eq(personChannels.personId, personId), eq(personChannels.kind, 'sms')));
    expect(ch!.state).toBe('unreachable');
    const [alert] = await deps.db.select().from(alerts).where(and(eq(alerts.personId, personId), eq(alerts.reason, 'channel_lost')));
    expect(JSON.stringify(alert!.details)).toContain('30005');
  });

  it('a handset that was off (30003) is only retried: the channel stays usable, no alert', async () => {
    const { personId, message } = await prompted('090-5555-0007');
    await status({ MessageSid: message.sid, MessageStatus: 'undelivered', ErrorCode: '30003', To: message.to });
    const [ch] = await deps.db.select().from(personChannels).where(and(eq(personChannels.personId, personId), eq(personChannels.kind, 'sms')));
    expect(ch!.state).not.toBe('unreachable');
    expect(await deps.db.select().from(alerts).where(and(eq(alerts.personId, personId), eq(alerts.reason, 'channel_lost')))).toHaveLength(0);
  });

  it('error 21610 (the recipient sent STOP to Twilio) opts out and is never retried', async () => {
    const { personId, sessionId, message } = await prompted('090-5555-0003');
    await status({ MessageSid: message.sid, MessageStatus: 'undelivered', ErrorCode: '21610', To: message.to });
    const [ch] = await deps.db.select().from(personChannels).where(and(eq(personChannels.personId, personId), eq(personChannels.kind, 'sms')));
    expect(ch!.state).toBe('opted_out');
    const [s] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, sessionId));
    expect(s!.nextActionAt).toBeNull();
    expect(await deps.db.select().from(alerts).where(and(eq(alerts.personId, personId), eq(alerts.reason, 'opted_out')))).toHaveLength(1);
  });

  it('a 21610 refusal at send time opts out too; a 503 is retried by the job', async () => {
    twilioApi.failNext('messages', { status: 400, code: 21610 });
    const { personId } = await prompted('090-5555-0004');
    const [ch] = await deps.db.select().from(personChannels).where(and(eq(personChannels.personId, personId), eq(personChannels.kind, 'sms')));
    expect(ch!.state).toBe('opted_out');

    twilioApi.failNext('messages', { status: 503 });
    const person = await createPerson(deps.db, '13-905', { phone: '090-5555-0005', preferredChannel: 'sms' }, clock);
    const session = await createPendingSession(deps, person.id, 'sms', clock);
    await expect(smsDispatcher.sendPrompts(deps, [session.id], 'prompt')).rejects.toMatchObject({ name: 'TransientSendError' });
    const [queued] = await deps.db.select().from(outboundMessages).where(eq(outboundMessages.sessionId, session.id));
    expect(queued!.status).toBe('queued');
    expect(queued!.errorMessage ?? '').not.toMatch(/\d{4} \d{4}/);
    const sent = twilioApi.messages.length;
    await smsDispatcher.sendPrompts(deps, [session.id], 'prompt'); // the job's retry
    expect(twilioApi.messages.length).toBe(sent + 1);
    expect(twilioApi.messages.at(-1)!.body).toBe((queued!.body as { text: string }).text);
    expect(deps.logs.text).not.toContain('1234 5678');
  });

  it('without Twilio settings nothing is sent and no number is marked unreachable', async () => {
    const person = await createPerson(deps.db, '13-905', { phone: '090-5555-0009', preferredChannel: 'sms' }, clock);
    const session = await createPendingSession(deps, person.id, 'sms', clock);
    const bare = { ...deps, env: { ...deps.env, TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined, TWILIO_FROM_NUMBER: undefined } };
    await expect(smsDispatcher.sendPrompts(bare, [session.id], 'prompt')).rejects.toMatchObject({ code: 'not_configured' });
    const [ch] = await deps.db.select().from(personChannels).where(and(eq(personChannels.personId, person.id), eq(personChannels.kind, 'sms')));
    expect(ch!.state).toBe('pending');
    expect(await deps.db.select().from(alerts).where(eq(alerts.personId, person.id))).toHaveLength(0);
  });
});
