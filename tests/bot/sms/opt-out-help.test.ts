import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, inboundEvents, outboundMessages, personChannels, persons } from '../../../db/schema';
import { smsDispatcher } from '../../../src/bot/sms/dispatcher';
import { createApp } from '../../../src/app';
import { Client, makeStaff } from '../../admin/support';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson } from '../../support/fixtures';
import { createTwilioApiMock } from '../../support/twilio-api-mock';
import { createPendingSession, runInboundJobs, sid, twilioApp, twilioPost, TWILIO_ENV } from '../twilio/helpers';

const twilioApi = createTwilioApiMock();
let deps: TestDeps;
let app: Awaited<ReturnType<typeof twilioApp>>;
let nurse: Client;
const now = new Date('2026-03-10T01:00:00Z');

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps(TWILIO_ENV, { now: () => now });
  app = await twilioApp(deps);
  await createCentre(deps.db, { code: '13-903', phone: '03-3333-4444' });
  await makeStaff(deps, { email: 'n@903.jp', role: 'nurse', jurisdictionCode: '13-903' });
  nurse = new Client(createApp(deps));
  await nurse.signIn('n@903.jp');
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});

async function text(from: string, body: string) {
  const res = await twilioPost(app, '/webhooks/twilio/sms', { MessageSid: sid('SM'), From: from, To: TWILIO_ENV.TWILIO_FROM_NUMBER, Body: body });
  expect(res.status).toBe(200);
  await runInboundJobs(deps);
  return twilioApi.messages.at(-1);
}

const smsChannel = async (personId: string) =>
  (await deps.db.select().from(personChannels).where(and(eq(personChannels.personId, personId), eq(personChannels.kind, 'sms'))))[0]!;

describe.each([
  ['English', 'STOP', 'START', 'HELP', '+819033330001', '090-3333-0001'],
  ['Japanese', '停止', '再開', 'ヘルプ', '+819033330002', '090-3333-0002'],
])('SMS control words in %s', (_lang, stop, start, help, number, local) => {
  let personId: string;
  beforeAll(async () => {
    personId = (await createPerson(deps.db, '13-903', { phone: local, preferredChannel: 'sms' }, now)).id;
  });

  it(`${stop} opts the number out, tells the centre with an alert, and no prompt is sent after it`, async () => {
    const reply = await text(number, stop);
    expect(reply).toMatchObject({ to: number });
    expect(reply!.body).toContain('停止しました');
    const ch = await smsChannel(personId);
    expect(ch.state).toBe('opted_out');
    expect(ch.optedOutAt).toEqual(now);
    const raised = await deps.db.select().from(alerts).where(and(eq(alerts.personId, personId), eq(alerts.reason, 'opted_out')));
    expect(raised).toHaveLength(1);
    expect(raised[0]!.severity).toBe('amber');

    // The console shows the SMS channel as 「配信停止」.
    const page = await (await nurse.get(`/admin/persons/${personId}`)).text();
    expect(page).toMatch(/<th>SMS<\/th><td>配信停止<\/td>/);

    const sent = twilioApi.messages.length;
    const session = await createPendingSession(deps, personId, 'sms', now);
    await smsDispatcher.sendPrompts(deps, [session.id], 'prompt');
    expect(twilioApi.messages.length).toBe(sent);
    // Another STOP changes nothing and raises nothing more.
    await text(number, stop);
    expect(await deps.db.select().from(alerts).where(and(eq(alerts.personId, personId), eq(alerts.reason, 'opted_out')))).toHaveLength(1);
  });

  it(`${start} opts back in`, async () => {
    const reply = await text(number, start);
    expect(reply!.body).toContain('再開しました');
    const ch = await smsChannel(personId);
    expect(ch.state).toBe('verified');
    expect(ch.optedOutAt).toBeNull();
  });

  it(`${help} answers with the health centre's name and phone`, async () => {
    const reply = await text(number, help);
    expect(reply!.body).toContain('13-903保健所');
    expect(reply!.body).toContain('03-3333-4444');
  });
});

describe('STOP from a person no longer monitored', () => {
  it('opts the number out without an alert', async () => {
    const person = await createPerson(deps.db, '13-903', { phone: '090-3333-0006', preferredChannel: 'sms' }, now);
    await deps.db.update(persons).set({ status: 'monitoring_ended' }).where(eq(persons.id, person.id));
    await text('+819033330006', 'STOP');
    expect((await smsChannel(person.id)).state).toBe('opted_out');
    expect(await deps.db.select().from(alerts).where(eq(alerts.personId, person.id))).toHaveLength(0);
  });
});

describe('an unregistered number', () => {
  it('gets a short polite reply, and nothing is stored about it beyond the event', async () => {
    const personsBefore = (await deps.db.select({ id: persons.id }).from(persons)).length;
    const outboundBefore = (await deps.db.select({ id: outboundMessages.id }).from(outboundMessages)).length;
    const reply = await text('+819099990000', '37.5');
    expect(reply).toMatchObject({ to: '+819099990000' });
    expect(reply!.body).toContain('登録されていません');
    expect(reply!.statusCallback).toBeUndefined();
    expect((await deps.db.select({ id: persons.id }).from(persons)).length).toBe(personsBefore);
    expect((await deps.db.select({ id: outboundMessages.id }).from(outboundMessages)).length).toBe(outboundBefore);
    const events = await deps.db.select().from(inboundEvents).where(eq(inboundEvents.provider, 'twilio_sms'));
    expect(events.filter((e) => (e.payload as { From?: string }).From === '+819099990000')).toHaveLength(1);
  });
});

describe('an opted-out person who still texts an answer', () => {
  it('has the answer recorded but gets no reply', async () => {
    const person = await createPerson(deps.db, '13-903', { phone: '090-3333-0005', preferredChannel: 'sms' }, now);
    const session = await createPendingSession(deps, person.id, 'sms', now);
    await smsDispatcher.sendPrompts(deps, [session.id], 'prompt');
    await text('+819033330005', 'STOP');
    const sent = twilioApi.messages.length;
    await text('+819033330005', '36.9');
    expect(twilioApi.messages.length).toBe(sent);
    const { observations } = await import('../../../db/schema');
    const obs = await deps.db.select().from(observations).where(eq(observations.sessionId, session.id));
    expect(obs.map((o) => [o.questionId, o.valueNumber])).toEqual([['temperature', 36.9]]);
  });
});
