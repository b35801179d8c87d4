import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundEvents } from '../../../db/schema';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson } from '../../support/fixtures';
import { createTwilioApiMock } from '../../support/twilio-api-mock';
import { createPendingSession, sid, twilioApp, twilioPost, TWILIO_ENV } from './helpers';

const twilioApi = createTwilioApiMock();
let deps: TestDeps;
let app: Awaited<ReturnType<typeof twilioApp>>;
let sessionId: string;
const now = new Date('2026-03-10T01:00:00Z');

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps(TWILIO_ENV, { now: () => now });
  app = await twilioApp(deps);
  await createCentre(deps.db, { code: '13-901', phone: '03-1111-2222' });
  const person = await createPerson(deps.db, '13-901', { phone: '090-1111-0001', preferredChannel: 'voice' }, now);
  sessionId = (await createPendingSession(deps, person.id, 'voice', now)).id;
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});

const eventCount = async () => (await deps.db.select({ n: count() }).from(inboundEvents))[0]!.n;

describe.each([
  ['sms', '/webhooks/twilio/sms', () => ({ MessageSid: sid('SM'), From: '+819011110001', To: TWILIO_ENV.TWILIO_FROM_NUMBER, Body: 'はい' })],
  ['status', '/webhooks/twilio/status', () => ({ MessageSid: sid('SM'), MessageStatus: 'delivered', To: '+819011110001' })],
  ['voice', `/webhooks/twilio/voice?s=${'SESSION'}`, () => ({ CallSid: sid('CA'), From: TWILIO_ENV.TWILIO_FROM_NUMBER, To: '+819011110001', Direction: 'outbound-api' })],
])('%s webhook signature', (_name, rawPath, params) => {
  const path = () => rawPath.replace('SESSION', sessionId);

  it('accepts a request signed over PUBLIC_BASE_URL + path, whatever Host and X-Forwarded-Proto say', async () => {
    const res = await twilioPost(app, path(), params(), { headers: { 'x-forwarded-proto': 'http', host: 'evil.test' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/xml');
  });

  it('accepts unknown extra parameters that Twilio signed', async () => {
    const res = await twilioPost(app, path(), { ...params(), SomeNewTwilioField: 'x', ApiVersion: '2010-04-01' });
    expect(res.status).toBe(200);
  });

  it('rejects a wrong signature with 403 and stores nothing', async () => {
    const before = await eventCount();
    const bad = await twilioPost(app, path(), params(), { token: 'not-the-token' });
    expect(bad.status).toBe(403);
    expect((await bad.json()).code).toBe('invalid_signature');
    const missing = await twilioPost(app, path(), params(), { signature: '' });
    expect(missing.status).toBe(403);
    expect(await eventCount()).toBe(before);
  });

  it('rejects a body changed after signing', async () => {
    const p = params();
    const url = `${TWILIO_ENV.PUBLIC_BASE_URL}${path()}`;
    const twilio = (await import('twilio')).default;
    const signature = twilio.getExpectedTwilioSignature(TWILIO_ENV.TWILIO_AUTH_TOKEN, url, p);
    const res = await twilioPost(app, path(), { ...p, Tampered: '1' }, { signature });
    expect(res.status).toBe(403);
  });
});

describe('inbox first', () => {
  it('stores an SMS once under its MessageSid; a duplicate delivery is answered and not stored again', async () => {
    const p = { MessageSid: sid('SM'), From: '+819011110001', Body: '36.5' };
    expect((await twilioPost(app, '/webhooks/twilio/sms', p)).status).toBe(200);
    expect((await twilioPost(app, '/webhooks/twilio/sms', p)).status).toBe(200);
    const rows = await deps.db.select().from(inboundEvents).where(eq(inboundEvents.providerEventId, p.MessageSid));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.provider).toBe('twilio_sms');
    expect(rows[0]!.senderKey).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows[0]!.senderKey)).not.toContain('9011110001');
  });
  it('keys status callbacks by sid and status', async () => {
    const s = sid('SM');
    await twilioPost(app, '/webhooks/twilio/status', { MessageSid: s, MessageStatus: 'sent', To: '+819011110001' });
    await twilioPost(app, '/webhooks/twilio/status', { MessageSid: s, MessageStatus: 'delivered', To: '+819011110001' });
    await twilioPost(app, '/webhooks/twilio/status', { MessageSid: s, MessageStatus: 'delivered', To: '+819011110001' });
    const rows = await deps.db.select({ id: inboundEvents.providerEventId }).from(inboundEvents).where(eq(inboundEvents.provider, 'twilio_status'));
    expect(rows.map((r) => r.id).filter((id) => id.startsWith(s)).sort()).toEqual([`${s}:delivered`, `${s}:sent`]);
  });
  it('answers 400 to an SMS without MessageSid', async () => {
    expect((await twilioPost(app, '/webhooks/twilio/sms', { From: '+819011110001', Body: 'x' })).status).toBe(400);
  });
});

describe('mounted in the app', () => {
  it('serves the three Twilio webhooks from createApp', async () => {
    const { createApp } = await import('../../../src/app');
    const full = createApp(deps);
    expect((await twilioPost(full, '/webhooks/twilio/sms', { MessageSid: sid('SM'), From: '+819011110001', Body: 'x' })).status).toBe(200);
    expect((await twilioPost(full, '/webhooks/twilio/status', { MessageSid: sid('SM'), MessageStatus: 'sent', To: '+819011110001' })).status).toBe(200);
    const voice = await twilioPost(full, '/webhooks/twilio/voice', { CallSid: sid('CA'), From: '+819000001111', To: TWILIO_ENV.TWILIO_FROM_NUMBER, Direction: 'inbound' });
    expect(voice.status).toBe(200);
    expect(await voice.text()).toContain('<Hangup/>');
    expect((await twilioPost(full, '/webhooks/twilio/voice', { CallSid: sid('CA') }, { token: 'wrong' })).status).toBe(403);
  });
});

describe('failures', () => {
  it('answers 5xx when the event cannot be stored, so Twilio delivers it again', async () => {
    const brokenDb = new Proxy(deps.db, {
      get: (target, prop, receiver) => (prop === 'insert' || prop === 'execute' ? () => { throw new Error('database unavailable'); } : Reflect.get(target, prop, receiver)),
    });
    const a = await twilioApp({ ...deps, db: brokenDb });
    const res = await twilioPost(a, '/webhooks/twilio/sms', { MessageSid: sid('SM'), From: '+819011110001', Body: 'x' });
    expect(res.status).toBe(500);
  });
  it('still stores and answers 200 when Redis is down (the sweeper enqueues it later)', async () => {
    const a = await twilioApp({ ...deps, jobs: Object.assign(Object.create(deps.jobs), { trigger: async () => false }) });
    const p = { MessageSid: sid('SM'), From: '+819011110001', Body: '36.4' };
    expect((await twilioPost(a, '/webhooks/twilio/sms', p)).status).toBe(200);
    const rows = await deps.db.select().from(inboundEvents).where(eq(inboundEvents.providerEventId, p.MessageSid));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.processedAt).toBeNull();
  });
});

describe('without Twilio settings', () => {
  it('answers 503 clearly and the app still runs', async () => {
    const bare = { ...deps, env: { ...deps.env, TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined, TWILIO_FROM_NUMBER: undefined } };
    const a = await twilioApp(bare);
    for (const path of ['/webhooks/twilio/sms', '/webhooks/twilio/voice', '/webhooks/twilio/status']) {
      const res = await twilioPost(a, path, { MessageSid: sid('SM'), From: '+819011110001', Body: 'x' });
      expect(res.status).toBe(503);
      expect((await res.json()).code).toBe('twilio_not_configured');
    }
  });
});
