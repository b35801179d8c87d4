import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundEvents, personChannels } from '../../db/schema';
import { signLineBody } from '../../src/bot/line/signature';
import { TWILIO_BODY_LIMIT } from '../../src/bot/twilio/middleware';
import { createCentre, createPerson } from '../support/fixtures';
import { createTestDeps, type TestDeps } from '../support/deps';
import { LINE_ENV, newUserId, postWebhook, SECRET, textEvent, type LineTest } from '../bot/line/helpers';
import { runInboundJobs, sid, twilioPost, TWILIO_ENV } from '../bot/twilio/helpers';
import { createTwilioApiMock } from '../support/twilio-api-mock';
import { createApp } from '../../src/app';

const twilioApi = createTwilioApiMock();
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let t: LineTest;
const CENTRE = '13-971';

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  // One app with both LINE and Twilio configured, as in production.
  deps = await createTestDeps({ ...LINE_ENV, ...TWILIO_ENV }, { now: () => new Date('2026-03-10T01:00:00Z') });
  app = createApp(deps);
  t = { app, deps } as unknown as LineTest; // postWebhook only needs these two
  await createCentre(deps.db, { code: CENTRE, phone: '03-3333-4444' });
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});

const countEvents = async () => (await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(inboundEvents))[0]!.n;

describe('LINE webhook abuse', () => {
  it('verifies the raw bytes: escaped emoji (\\uD83E\\uDD28) signed as sent are accepted; a signature over the re-serialised body is refused', async () => {
    const ev = textEvent(newUserId(), 'X');
    const raw = JSON.stringify({ destination: 'Uxxxxxxxx', events: [ev] }).replace('"text":"X"', '"text":"\\uD83E\\uDD28 \\u3042"');
    expect(raw).toContain('\\uD83E\\uDD28');
    const reserialised = JSON.stringify(JSON.parse(raw));
    expect(reserialised).not.toBe(raw);
    const before = await countEvents();
    const wrong = await postWebhook(t, [], { rawBody: raw, signature: await signLineBody(SECRET, reserialised) });
    expect(wrong.status).toBe(401);
    expect(await countEvents()).toBe(before);
    const ok = await postWebhook(t, [], { rawBody: raw });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, stored: 1 });
  });

  it('a replay with a valid signature but a known webhookEventId stores nothing new', async () => {
    const ev = textEvent(newUserId(), 'こんにちは');
    const raw = JSON.stringify({ destination: 'Uxxxxxxxx', events: [ev] });
    expect((await postWebhook(t, [], { rawBody: raw })).status).toBe(200);
    const before = await countEvents();
    for (let i = 0; i < 3; i++) expect(await (await postWebhook(t, [], { rawBody: raw })).json()).toEqual({ ok: true, stored: 0 });
    expect(await countEvents()).toBe(before);
  });

  it('unsigned, wrongly signed or oversized bodies are refused and store nothing', async () => {
    const before = await countEvents();
    const raw = JSON.stringify({ destination: 'U', events: [textEvent(newUserId(), 'x')] });
    expect((await postWebhook(t, [], { rawBody: raw, signature: null })).status).toBe(401);
    expect((await postWebhook(t, [], { rawBody: raw, signature: 'not base64 at all!' })).status).toBe(401);
    expect((await postWebhook(t, [], { rawBody: raw, signature: '' })).status).toBe(401);
    const huge = await t.app.request('/webhooks/line', { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024), headers: { 'content-type': 'application/json', 'x-line-signature': 'AAAA' } });
    expect(huge.status).toBe(413);
    expect(await countEvents()).toBe(before);
  });

  it('a correctly signed body of another content type is refused with 415 and stores nothing', async () => {
    const before = await countEvents();
    const post = async (body: string, type: string | null) => {
      const headers: Record<string, string> = { 'x-line-signature': await signLineBody(SECRET, body) };
      if (type) headers['content-type'] = type;
      return t.app.request('/webhooks/line', { method: 'POST', body, headers });
    };
    const json = JSON.stringify({ destination: 'U', events: [textEvent(newUserId(), 'x')] });
    const form = new URLSearchParams({ destination: 'U', events: JSON.stringify([textEvent(newUserId(), 'x')]) }).toString();
    for (const [body, type] of [[json, 'text/plain'], [form, 'application/x-www-form-urlencoded'], [json, null], [json, 'multipart/form-data; boundary=x'], [json, 'application/jsonp']] as const) {
      const res = await post(body, type);
      expect(res.status, String(type)).toBe(415);
      expect((await res.json()).code).toBe('unsupported_media_type');
    }
    expect(await countEvents()).toBe(before);
    // LINE's own header, with its charset parameter and in any case, is accepted.
    expect((await post(json, 'Application/JSON; charset=utf-8')).status).toBe(200);
    expect(await countEvents()).toBe(before + 1);
  });
});

describe('Twilio webhook abuse', () => {
  const sms = (body: string, extra: Record<string, string> = {}) => ({ MessageSid: sid('SM'), From: '+819012340000', To: TWILIO_ENV.TWILIO_FROM_NUMBER, Body: body, ...extra });

  it('unsigned, wrongly signed and oversized requests are refused and store nothing', async () => {
    const before = await countEvents();
    const params = sms('1');
    const unsigned = await app.request('/webhooks/twilio/sms', { method: 'POST', body: new URLSearchParams(params).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(unsigned.status).toBe(403);
    expect((await twilioPost(app, '/webhooks/twilio/sms', params, { token: 'wrong-token' })).status).toBe(403);
    // Signed for another path (the voice webhook): not valid here.
    const elsewhere = twilio.getExpectedTwilioSignature(TWILIO_ENV.TWILIO_AUTH_TOKEN, `${TWILIO_ENV.PUBLIC_BASE_URL}/webhooks/twilio/voice`, params);
    expect((await twilioPost(app, '/webhooks/twilio/sms', params, { signature: elsewhere })).status).toBe(403);
    const big = sms('x'.repeat(TWILIO_BODY_LIMIT));
    expect((await twilioPost(app, '/webhooks/twilio/sms', big)).status).toBe(413);
    expect(await countEvents()).toBe(before);
  });

  it('a correctly signed body that is not a form is refused with 415 on every Twilio webhook, storing nothing', async () => {
    const before = await countEvents();
    for (const path of ['/webhooks/twilio/sms', '/webhooks/twilio/status', '/webhooks/twilio/voice']) {
      const params = sms('1', { CallSid: sid('CA'), MessageStatus: 'delivered' });
      // JSON: Twilio's check signs the parameters the body parses to, so sign exactly those.
      const json = JSON.stringify(params);
      const signed = twilio.getExpectedTwilioSignature(TWILIO_ENV.TWILIO_AUTH_TOKEN, `${TWILIO_ENV.PUBLIC_BASE_URL}${path}`, Object.fromEntries(new URLSearchParams(json)));
      const asJson = await app.request(`http://internal:3000${path}`, { method: 'POST', body: json, headers: { 'content-type': 'application/json', 'x-twilio-signature': signed } });
      expect(asJson.status, path).toBe(415);
      // A properly signed form declared as text/plain, or with no type at all.
      expect((await twilioPost(app, path, params, { headers: { 'content-type': 'text/plain' } })).status, path).toBe(415);
      expect((await twilioPost(app, path, params, { headers: { 'content-type': '' } })).status, path).toBe(415);
    }
    expect(await countEvents()).toBe(before);
    expect((await twilioPost(app, '/webhooks/twilio/sms', sms('1'), { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' } })).status).toBe(200);
  });

  it('a signed replay of a known MessageSid stores nothing new; unknown extra parameters and X-Forwarded-Proto do not matter', async () => {
    const params = sms('こんにちは 🤨', { NewParamTwilioAddsLater: 'yes', SmsStatus: 'received' });
    const first = await twilioPost(app, '/webhooks/twilio/sms', params, { headers: { 'x-forwarded-proto': 'http', host: 'internal:3000' } });
    expect(first.status).toBe(200);
    const before = await countEvents();
    expect((await twilioPost(app, '/webhooks/twilio/sms', params)).status).toBe(200);
    expect(await countEvents()).toBe(before);
  });

  it('only a single-word STOP opts out: 「STOP please」 is not an opt-out', async () => {
    const phone = `090-${randomBytes(2).readUInt16BE() % 9000 + 1000}-0001`;
    const e164 = `+81${phone.replace(/-/g, '').slice(1)}`;
    const { id: personId } = await createPerson(t.deps.db, CENTRE, { phone, preferredChannel: 'sms' }, t.deps.now());
    const optedOut = async () => {
      const [ch] = await t.deps.db.select().from(personChannels).where(and(eq(personChannels.personId, personId), eq(personChannels.kind, 'sms')));
      return JSON.stringify(ch);
    };
    const start = await optedOut();
    for (const text of ['STOP please', 'please stop', 'STOPP', '止めて下さい']) {
      expect((await twilioPost(app, '/webhooks/twilio/sms', sms(text, { From: e164 }))).status).toBe(200);
      await runInboundJobs(t.deps);
    }
    expect(await optedOut()).toBe(start);
    expect((await twilioPost(app, '/webhooks/twilio/sms', sms('STOP', { From: e164 }))).status).toBe(200);
    await runInboundJobs(t.deps);
    expect(await optedOut()).not.toBe(start);
  });
});
