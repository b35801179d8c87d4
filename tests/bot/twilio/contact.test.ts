import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSessions, inboundEvents, jurisdictions, persons } from '../../../db/schema';
import { generalContact } from '../../../src/domain/channels/general-contact';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson } from '../../support/fixtures';
import { createTwilioApiMock } from '../../support/twilio-api-mock';
import { parseTwiml, runInboundJobs, sid, spoken, twilioApp, twilioPost, TWILIO_ENV } from './helpers';

// Whom callers and SMS senders we cannot take through a check are told to call, in an
// installation with several health centres; and registered callers whose monitoring ended.
const twilioApi = createTwilioApiMock();
let deps: TestDeps;
let app: Awaited<ReturnType<typeof twilioApp>>;
const now = new Date('2026-03-10T01:00:00Z'); // 10:00 in Tokyo

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps(TWILIO_ENV, { now: () => now });
  app = await twilioApp(deps);
  await createCentre(deps.db, { code: '13-911', phone: '03-1111-0001' });
  await createCentre(deps.db, { code: '13-912', phone: '03-1111-0002' });
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});

const setPhone = (code: string, phone: string | null) => deps.db.update(jurisdictions).set({ phone }).where(eq(jurisdictions.code, code));
const callIn = async (from: string) => {
  const res = await twilioPost(app, '/webhooks/twilio/voice', { CallSid: sid('CA'), From: from, To: TWILIO_ENV.TWILIO_FROM_NUMBER, Direction: 'inbound' });
  expect(res.status).toBe(200);
  return parseTwiml(await res.text());
};

describe('the contact for callers and SMS senders we do not know', () => {
  it('is the most local jurisdiction over every health centre that has a phone number, or CONTACT_PHONE', async () => {
    expect(await generalContact(deps.db, deps.env)).toBeNull(); // two centres, nobody above them has a number
    await setPhone('13', '03-5320-0000');
    expect(await generalContact(deps.db, deps.env)).toMatchObject({ nameJa: '東京都', phone: '03-5320-0000' });
    await createCentre(deps.db, { code: '27-913', prefecture: '27', phone: '06-1111-0003' });
    expect(await generalContact(deps.db, deps.env)).toBeNull(); // Tokyo no longer covers every centre
    await setPhone('JP', '0120-000-000');
    expect(await generalContact(deps.db, deps.env)).toMatchObject({ nameJa: '日本', phone: '0120-000-000' });
    const configured = { ...deps.env, CONTACT_PHONE: '0570-000-111', CONTACT_NAME_JA: '発熱相談センター', CONTACT_NAME_EN: 'Fever helpline' };
    expect(await generalContact(deps.db, configured)).toEqual({ nameJa: '発熱相談センター', nameEn: 'Fever helpline', phone: '0570-000-111' });
    // The number set for unknown callers (contact_phone) wins over the jurisdiction's own phone.
    await deps.db.update(jurisdictions).set({ contactPhone: '0120-111-222' }).where(eq(jurisdictions.code, 'JP'));
    expect(await generalContact(deps.db, deps.env)).toMatchObject({ nameJa: '日本', phone: '0120-111-222' });
    await deps.db.update(jurisdictions).set({ contactPhone: null }).where(eq(jurisdictions.code, 'JP'));
    // A deactivated centre no longer widens the area: Tokyo covers the active ones again.
    await deps.db.update(jurisdictions).set({ active: false }).where(eq(jurisdictions.code, '27-913'));
    expect(await generalContact(deps.db, deps.env)).toMatchObject({ nameJa: '東京都', phone: '03-5320-0000' });
    await deps.db.update(jurisdictions).set({ active: true }).where(eq(jurisdictions.code, '27-913'));
  });

  it('is told to an unknown caller, in Japanese and English, and nothing is stored', async () => {
    const before = (await deps.db.select({ id: inboundEvents.id }).from(inboundEvents)).length;
    const said = spoken(await callIn('+819099990001')).join('\n');
    expect(said).toContain('登録されていません');
    expect(said).toContain('日本、電話番号 0120-000-000');
    expect(said).toContain('Please contact Japan on 0120-000-000');
    expect((await deps.db.select({ id: inboundEvents.id }).from(inboundEvents)).length).toBe(before);
  });

  it('is texted to an unknown number', async () => {
    await twilioPost(app, '/webhooks/twilio/sms', { MessageSid: sid('SM'), From: '+819099990002', To: TWILIO_ENV.TWILIO_FROM_NUMBER, Body: '37.2' });
    await runInboundJobs(deps);
    const reply = twilioApi.messages.at(-1)!;
    expect(reply.to).toBe('+819099990002');
    expect(reply.body).toContain('登録されていません');
    expect(reply.body).toContain('0120-000-000');
  });
});

describe('a registered caller who is no longer monitored', () => {
  it('is told their monitoring has ended, with their centre, and no check is started', async () => {
    const person = await createPerson(deps.db, '13-911', { phone: '090-1111-0010', preferredChannel: 'voice' }, now);
    await deps.db.update(persons).set({ status: 'monitoring_ended' }).where(eq(persons.id, person.id));
    const twiml = await callIn('+819011110010');
    const said = spoken(twiml).join('\n');
    expect(said).toContain('健康観察の期間は終わっています');
    expect(said).toContain('03-1111-0001');
    expect(twiml.Response.Gather).toBeUndefined();
    expect(twiml.Response.Hangup).toBeDefined();
    expect(await deps.db.select().from(checkSessions).where(eq(checkSessions.personId, person.id))).toHaveLength(0);
  });

  it('who is in hospital is told there is no check by phone now', async () => {
    const person = await createPerson(deps.db, '13-911', { phone: '090-1111-0011', preferredChannel: 'voice' }, now);
    await deps.db.update(persons).set({ status: 'hospitalized' }).where(eq(persons.id, person.id));
    const said = spoken(await callIn('+819011110011')).join('\n');
    expect(said).toContain('健康観察は行っていません');
    expect(await deps.db.select().from(checkSessions).where(eq(checkSessions.personId, person.id))).toHaveLength(0);
  });

  it('who texts an answer is told by SMS that monitoring has ended', async () => {
    const person = await createPerson(deps.db, '13-911', { phone: '090-1111-0012', preferredChannel: 'sms' }, now);
    await deps.db.update(persons).set({ status: 'monitoring_ended' }).where(eq(persons.id, person.id));
    await twilioPost(app, '/webhooks/twilio/sms', { MessageSid: sid('SM'), From: '+819011110012', To: TWILIO_ENV.TWILIO_FROM_NUMBER, Body: '36.5' });
    await runInboundJobs(deps);
    expect(twilioApi.messages.at(-1)!.body).toContain('健康観察の期間は終わっています');
  });
});
