import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inArray } from 'drizzle-orm';
import type { Miniflare } from 'miniflare';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundEvents } from '../../db/schema';
import { createTestDeps, type TestDeps } from '../support/deps';
import { PG_BASE } from '../support/pg';
import { createIntakeRole, documentedIntakeGrants, type IntakeRole } from './support/intake-role';
import { lineEvent, lineRequest, newLineUserId, PROVIDER_ENV, twilioRequest, twilioSid } from './support/providers';
import { startSwitchableProxy } from './support/switchable-proxy';
import { startWorker } from './support/worker-harness';

/**
 * The Workers build of the intake, run locally in workerd (Miniflare) against the
 * machine's PostgreSQL through the Hyperdrive binding: verify, store, answer. The Worker
 * logs in as the least-privilege role wrangler.toml documents, never as the owner.
 * Processing by the Node side is in processing.test.ts.
 */
let deps: TestDeps;
let role: IntakeRole;
let proxy: Awaited<ReturnType<typeof startSwitchableProxy>>;
let worker: Awaited<ReturnType<typeof startWorker>>;
let mf: Miniflare;

beforeAll(async () => {
  deps = await createTestDeps(PROVIDER_ENV);
  role = await createIntakeRole(deps.testDb.url);
  const pg = new URL(PG_BASE);
  proxy = await startSwitchableProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
  // The database is reached through a connection the test can cut.
  const db = proxy.via(role.url);
  worker = await startWorker({
    intake: { databaseUrl: db, bindings: { ...PROVIDER_ENV, LOG_LEVEL: 'info' } },
    // Misconfigured deployments of the same bundle.
    noSecrets: { databaseUrl: db, bindings: { PUBLIC_BASE_URL: PROVIDER_ENV.PUBLIC_BASE_URL, LOG_LEVEL: 'silent' } },
    badNumber: { databaseUrl: db, bindings: { ...PROVIDER_ENV, TWILIO_FROM_NUMBER: '050-1234-5678', LOG_LEVEL: 'silent' } },
    noDatabase: { bindings: { ...PROVIDER_ENV, LOG_LEVEL: 'silent' } },
  });
  mf = worker.mf;
}, 180_000);
afterAll(async () => {
  await worker?.close();
  await proxy?.close();
  await deps?.close();
  await role?.drop();
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

  it('refuses a forged or altered status callback with 403 and stores nothing', async () => {
    const params = { MessageSid: twilioSid('SM'), MessageStatus: 'delivered', AccountSid: PROVIDER_ENV.TWILIO_ACCOUNT_SID, To: '+819012345678', From: PROVIDER_ENV.TWILIO_FROM_NUMBER };
    const forged = await send(await twilioRequest('/webhooks/twilio/status', params, 'not-the-auth-token'));
    expect(forged.status).toBe(403);
    // A genuine signature over another body: "failed" where Twilio said "delivered".
    const genuine = await twilioRequest('/webhooks/twilio/status', params);
    const altered = await send({ ...genuine, body: new URLSearchParams({ ...params, MessageStatus: 'failed' }).toString() });
    expect(altered.status).toBe(403);
    const unsigned = await send({ ...genuine, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(unsigned.status).toBe(403);
    expect(await stored([`${params.MessageSid}:delivered`, `${params.MessageSid}:failed`])).toHaveLength(0);
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

describe('the Worker\'s database role', () => {
  it('is made of exactly the statements wrangler.toml and the README document, and holds nothing more', async () => {
    const statements = documentedIntakeGrants();
    // seq is a bigserial: without its sequence every insert fails and every webhook answers 500.
    expect(statements).toContain('GRANT USAGE ON SEQUENCE inbound_events_seq_seq TO mimamori_intake;');
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    for (const statement of statements) expect(readme).toContain(statement);
    const asRole = postgres(role.url, { max: 1, onnotice: () => {} });
    try {
      await expect(asRole`select count(*) from persons`).rejects.toThrow(/permission denied/);
      await expect(asRole`update inbound_events set processed_at = now()`).rejects.toThrow(/permission denied/);
      await expect(asRole`delete from inbound_events`).rejects.toThrow(/permission denied/);
    } finally {
      await asRole.end();
    }
  });
});

describe('a Worker whose database cannot be reached', () => {
  it('answers 5xx and stores nothing; the redelivery is stored once; its logs hold no personal data', async () => {
    const userId = newLineUserId();
    const ev = lineEvent(userId, 'message', { message: { type: 'text', id: '2', quoteToken: 'q', text: '熱が３８度あります' } });
    const phone = '+819087654321';
    const sms = { MessageSid: twilioSid('SM'), AccountSid: PROVIDER_ENV.TWILIO_ACCOUNT_SID, From: phone, To: PROVIDER_ENV.TWILIO_FROM_NUMBER, Body: '息が苦しいです' };
    const status = { MessageSid: twilioSid('SM'), MessageStatus: 'delivered', AccountSid: PROVIDER_ENV.TWILIO_ACCOUNT_SID, To: phone, From: PROVIDER_ENV.TWILIO_FROM_NUMBER };
    const ids = [ev.webhookEventId, sms.MessageSid, `${status.MessageSid}:delivered`];
    const firstLog = worker.logs.length;
    proxy.setDown(true);
    try {
      // At once: each waits out the Worker's connect timeout (5 s).
      const answers = await Promise.all([send(await lineRequest([ev])), send(await twilioRequest('/webhooks/twilio/sms', sms)), send(await twilioRequest('/webhooks/twilio/status', status))]);
      expect(answers.map((r) => r.status)).toEqual([500, 500, 500]);
      expect(await answers[0]!.json()).toMatchObject({ code: 'internal_error' });
    } finally {
      proxy.setDown(false);
    }
    expect(await stored(ids)).toHaveLength(0);
    // The providers deliver again (LINE marks it a redelivery): stored now, and once.
    const redelivery = { ...ev, deliveryContext: { isRedelivery: true } };
    expect(await (await send(await lineRequest([redelivery]))).json()).toEqual({ ok: true, stored: 1 });
    expect(await (await send(await lineRequest([redelivery]))).json()).toEqual({ ok: true, stored: 0 });
    for (let i = 0; i < 2; i++) {
      expect((await send(await twilioRequest('/webhooks/twilio/sms', sms))).status).toBe(200);
      expect((await send(await twilioRequest('/webhooks/twilio/status', status))).status).toBe(200);
    }
    expect((await stored(ids)).map((r) => r.providerEventId).sort()).toEqual([...ids].sort());
    // The failures were logged (the SQL kept for the operator), without the events' contents.
    const logs = worker.logs.slice(firstLog).join('\n');
    expect(logs.match(/"msg":"unhandled error"/g)).toHaveLength(3);
    expect(logs).toContain('insert into inbound_events');
    for (const personal of [userId, '３８度', '9087654321', '息が苦しい']) expect(logs).not.toContain(personal);
    expect(logs).toContain('params: [redacted]');
  });
});
