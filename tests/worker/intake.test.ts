import { inArray } from 'drizzle-orm';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundEvents } from '../../db/schema';
import { createTestDeps, type TestDeps } from '../support/deps';
import { lineEvent, lineRequest, newLineUserId, PROVIDER_ENV, twilioRequest, twilioSid } from './support/providers';
import { startWorker } from './support/worker-harness';

/**
 * The Workers build of the intake, run locally in workerd (Miniflare) against the
 * machine's PostgreSQL through the Hyperdrive binding: verify, store, answer.
 * Processing by the Node side is in processing.test.ts.
 */
let deps: TestDeps;
let worker: Awaited<ReturnType<typeof startWorker>>;
let mf: Miniflare;

beforeAll(async () => {
  deps = await createTestDeps(PROVIDER_ENV);
  const db = deps.testDb.url;
  worker = await startWorker({
    intake: { databaseUrl: db, bindings: { ...PROVIDER_ENV, LOG_LEVEL: 'warn' } },
    // Misconfigured deployments of the same bundle.
    noSecrets: { databaseUrl: db, bindings: { PUBLIC_BASE_URL: PROVIDER_ENV.PUBLIC_BASE_URL, LOG_LEVEL: 'silent' } },
    badNumber: { databaseUrl: db, bindings: { ...PROVIDER_ENV, TWILIO_FROM_NUMBER: '050-1234-5678', LOG_LEVEL: 'silent' } },
    noDatabase: { bindings: { ...PROVIDER_ENV, LOG_LEVEL: 'silent' } },
  });
  mf = worker.mf;
}, 60_000);
afterAll(async () => {
  await worker?.close();
  await deps?.close();
});

const send = async (req: RequestInit & { url: string }) => mf.dispatchFetch(req.url, req as never);
const stored = (ids: string[]) => deps.db.select().from(inboundEvents).where(inArray(inboundEvents.providerEventId, ids));

describe('the Workers bundle', () => {
  it('holds the intake and postgres.js (Cloudflare build), and no Node-only module', () => {
    const { inputs, bytes } = worker.bundle;
    expect(inputs).toEqual(expect.arrayContaining(['src/bot/intake/routes.ts', 'src/bot/line/intake.ts', 'src/bot/twilio/middleware.ts']));
    expect(inputs.some((f) => f.startsWith('node_modules/postgres/cf/'))).toBe(true);
    const forbidden = inputs.filter((f) => /node_modules\/(bullmq|ioredis|argon2|pino|@electric-sql|twilio|@line)\//.test(f) || /^src\/(flows|domain\/checks|jobs\/runner)/.test(f));
    expect(forbidden).toEqual([]);
    // Workers' limit is 3 MB gzipped on the free plan; keep a wide margin.
    expect(bytes).toBeLessThan(2_000_000);
  });
});

describe('POST /webhooks/line on the Worker', () => {
  it('stores a signed event in inbound_events and answers 200', async () => {
    const ev = lineEvent(newLineUserId(), 'follow');
    const res = await send(await lineRequest([ev]));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, stored: 1 });
    const [row] = await stored([ev.webhookEventId]);
    expect(row).toMatchObject({ provider: 'line', processedAt: null });
    expect(row!.senderKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a forged signature with 401 and stores nothing', async () => {
    const ev = lineEvent(newLineUserId(), 'follow');
    const res = await send(await lineRequest([ev], 'not-the-channel-secret'));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'bad_signature' });
    expect(await stored([ev.webhookEventId])).toHaveLength(0);
  });

  it('stores the same event delivered twice (and redelivered) once', async () => {
    const ev = lineEvent(newLineUserId(), 'message', { message: { type: 'text', id: '1', quoteToken: 'q', text: '３６．５' } });
    const first = await send(await lineRequest([ev]));
    const again = await send(await lineRequest([ev]));
    const redelivered = await send(await lineRequest([{ ...ev, deliveryContext: { isRedelivery: true } }]));
    expect([first.status, again.status, redelivered.status]).toEqual([200, 200, 200]);
    expect(await again.json()).toEqual({ ok: true, stored: 0 });
    expect(await stored([ev.webhookEventId])).toHaveLength(1);
  });

  it('answers malformed JSON with 400 and stores nothing', async () => {
    const req = await lineRequest([]);
    const body = '{"events": [';
    const { signLineBody } = await import('../../src/bot/line/signature');
    const res = await send({ ...req, body, headers: { 'content-type': 'application/json', 'x-line-signature': await signLineBody(PROVIDER_ENV.LINE_CHANNEL_SECRET, body) } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'bad_request' });
  });
});

describe('POST /webhooks/twilio/* on the Worker', () => {
  it('stores a signed SMS and answers an empty TwiML at once; a forged one is 403', async () => {
    const params = { MessageSid: twilioSid('SM'), AccountSid: PROVIDER_ENV.TWILIO_ACCOUNT_SID, From: '+819012345678', To: PROVIDER_ENV.TWILIO_FROM_NUMBER, Body: '36.8' };
    const res = await send(await twilioRequest('/webhooks/twilio/sms', params));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/xml');
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const forgedParams = { ...params, MessageSid: twilioSid('SM') };
    const forged = await send(await twilioRequest('/webhooks/twilio/sms', forgedParams, 'not-the-auth-token'));
    expect(forged.status).toBe(403);
    const rows = await stored([params.MessageSid, forgedParams.MessageSid]);
    expect(rows.map((r) => [r.provider, r.providerEventId])).toEqual([['twilio_sms', params.MessageSid]]);
    expect(JSON.stringify(rows[0]!.senderKey)).not.toContain('9012345678');
  });

  it('stores a status callback once however often Twilio repeats it', async () => {
    const params = { MessageSid: twilioSid('SM'), MessageStatus: 'delivered', AccountSid: PROVIDER_ENV.TWILIO_ACCOUNT_SID, To: '+819012345678', From: PROVIDER_ENV.TWILIO_FROM_NUMBER };
    for (let i = 0; i < 3; i++) expect((await send(await twilioRequest('/webhooks/twilio/status', params))).status).toBe(200);
    expect(await stored([`${params.MessageSid}:delivered`])).toHaveLength(1);
  });

  it('does not serve voice (it stays on Node) nor anything else but /healthz', async () => {
    const voice = await send(await twilioRequest('/webhooks/twilio/voice', { CallSid: twilioSid('CA') }));
    expect(voice.status).toBe(404);
    expect((await mf.dispatchFetch(`${PROVIDER_ENV.PUBLIC_BASE_URL}/admin`)).status).toBe(404);
    // A probe for uptime monitors that needs no database.
    const health = await mf.dispatchFetch(`${PROVIDER_ENV.PUBLIC_BASE_URL}/healthz`);
    expect(await health.json()).toEqual({ ok: true, runtime: 'workers' });
  });
});

describe('a misconfigured Worker', () => {
  const via = (name: 'noSecrets' | 'badNumber' | 'noDatabase', req: RequestInit & { url: string }) => worker.fetchVia(name, req.url, req);

  it('answers 503 per channel without its secrets, stores nothing, and says which settings', async () => {
    const ev = lineEvent(newLineUserId(), 'follow');
    const lineRes = await via('noSecrets', await lineRequest([ev]));
    expect(lineRes.status).toBe(503);
    expect(await lineRes.json()).toMatchObject({ code: 'line_not_configured', message: expect.stringContaining('LINE_CHANNEL_SECRET') });
    const sms = await via('noSecrets', await twilioRequest('/webhooks/twilio/sms', { MessageSid: twilioSid('SM'), From: '+819012345678', Body: '1' }));
    expect(sms.status).toBe(503);
    expect(await stored([ev.webhookEventId])).toHaveLength(0);
  });

  it('answers 500 naming the setting when a value is invalid or the Hyperdrive binding is missing', async () => {
    const bad = await via('badNumber', await lineRequest([lineEvent(newLineUserId(), 'follow')]));
    expect(bad.status).toBe(500);
    expect(await bad.json()).toEqual({ code: 'config_error', message: 'The intake is misconfigured: TWILIO_FROM_NUMBER' });
    const noDb = await via('noDatabase', await lineRequest([lineEvent(newLineUserId(), 'follow')]));
    expect(noDb.status).toBe(500);
    expect(await noDb.json()).toEqual({ code: 'config_error', message: 'The intake is misconfigured: HYPERDRIVE' });
  });
});
