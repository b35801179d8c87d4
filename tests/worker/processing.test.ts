import { eq, inArray, sql } from 'drizzle-orm';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundEvents } from '../../db/schema';
import { INBOUND_CHANNEL, startInboundListener, type InboundListener } from '../../src/jobs/inbound-listener';
import { ALL_JOBS } from '../../src/jobs/registry';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createLineApiMock, type LineApiMock } from '../support/line-api-mock';
import { createTwilioApiMock } from '../support/twilio-api-mock';
import { lineEvent, lineRequest, newLineUserId, PROVIDER_ENV, twilioRequest, twilioSid } from './support/providers';
import { startWorker } from './support/worker-harness';

/**
 * End to end across runtimes: the Worker (workerd) stores the event, the insert trigger
 * notifies, the Node side's inbound listener enqueues `inbound.<provider>`, a BullMQ
 * worker processes it and answers the patient through the (stand-in) provider API.
 */
let deps: TestDeps;
let worker: Awaited<ReturnType<typeof startWorker>>;
let mf: Miniflare;
let line: LineApiMock;
let listener: InboundListener | null;

beforeAll(async () => {
  deps = await createTestDeps(PROVIDER_ENV);
  line = createLineApiMock(PROVIDER_ENV.LINE_API_BASE_URL);
  const twilioApi = createTwilioApiMock(PROVIDER_ENV.TWILIO_API_BASE_URL);
  line.server.use(...twilioApi.server.listHandlers());
  line.server.listen({ onUnhandledRequest: 'bypass' }); // Miniflare's own traffic to workerd passes
  worker = await startWorker({ intake: { databaseUrl: deps.testDb.url, bindings: { ...PROVIDER_ENV, LOG_LEVEL: 'warn' } } });
  mf = worker.mf;
  deps.jobs.startWorkers(deps, { queues: ['inbound', 'outbound'], scheduler: false });
  listener = await startInboundListener(deps, ALL_JOBS);
}, 60_000);
afterAll(async () => {
  await listener?.close();
  await worker?.close();
  line?.server.close();
  await deps?.close();
});

const send = async (req: RequestInit & { url: string }) => (await mf.dispatchFetch(req.url, req as never)) as unknown as Response;

/** Poll until every event is processed (or give up after `ms`); returns the rows. */
async function processedRows(providerEventIds: string[], ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const rows = await deps.db.select().from(inboundEvents).where(inArray(inboundEvents.providerEventId, providerEventIds));
    if ((rows.length === providerEventIds.length && rows.every((r) => r.processedAt)) || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('events stored by the Worker are processed by the Node workers', () => {
  it('a LINE follow: stored at the edge, notified, processed, greeting replied once', async () => {
    const ev = lineEvent(newLineUserId(), 'follow');
    const res = await send(await lineRequest([ev]));
    expect(res.status).toBe(200);
    const answeredAt = Date.now();
    const [row] = await processedRows([ev.webhookEventId]);
    const latencyMs = Date.now() - answeredAt;
    expect(row?.processedAt).not.toBeNull();
    expect(row!.lastError).toBeNull();
    expect(row!.attempts).toBe(1);
    // The reply goes out right after the commit that set processed_at.
    for (const deadline = Date.now() + 5_000; line.calls.length === 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    expect(line.calls.map((c) => c.endpoint)).toEqual(['reply']);
    const replies = line.of('reply');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body.replyToken).toBe(ev.replyToken);
    expect(replies[0]!.body.messages[0].text).toContain('友だち追加');
    // No polling delay: far below the sweeper's 30 s + tick (the figure goes in the report).
    expect(latencyMs).toBeLessThan(10_000);
    console.info(`[worker→node] LINE follow answered→processed in ${latencyMs} ms`);
  });

  it('a Twilio SMS and a repeated delivery: one row, processed once', async () => {
    const params = { MessageSid: twilioSid('SM'), AccountSid: PROVIDER_ENV.TWILIO_ACCOUNT_SID, From: '+819011112222', To: PROVIDER_ENV.TWILIO_FROM_NUMBER, Body: 'HELP' };
    expect((await send(await twilioRequest('/webhooks/twilio/sms', params))).status).toBe(200);
    expect((await send(await twilioRequest('/webhooks/twilio/sms', params))).status).toBe(200);
    const rows = await processedRows([params.MessageSid]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.processedAt).not.toBeNull();
    expect(rows[0]!.attempts).toBe(1);
  });
});

describe('the answer path', () => {
  /** From the webhook's 200 to the greeting sent, for one fresh follow event. */
  async function followToReply(post: (req: RequestInit & { url: string }) => Promise<Response>): Promise<number> {
    line.reset();
    const ev = lineEvent(newLineUserId(), 'follow');
    const res = await post(await lineRequest([ev]));
    expect(res.status).toBe(200);
    const answeredAt = performance.now();
    while (line.of('reply').length === 0 && performance.now() - answeredAt < 10_000) await new Promise((r) => setTimeout(r, 5));
    expect(line.of('reply')).toHaveLength(1);
    return performance.now() - answeredAt;
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

  it('is as fast through the Worker and NOTIFY as through the Node intake and Redis', async () => {
    const app = createApp(deps);
    const viaNode = (req: RequestInit & { url: string }) => Promise.resolve(app.request(new URL(req.url).pathname, req));
    const edge: number[] = [];
    const node: number[] = [];
    for (let i = 0; i < 5; i++) {
      edge.push(await followToReply(send));
      node.push(await followToReply(viaNode));
    }
    console.info(`[answer path] 200 → greeting sent, median of 5: Worker+NOTIFY ${median(edge).toFixed(0)} ms, Node intake+Redis ${median(node).toFixed(0)} ms`);
    // Both are job-processing bound; NOTIFY adds no polling delay (the sweeper would be ≥30 s).
    expect(median(edge)).toBeLessThan(median(node) + 1_000);
  });
});

describe('the inbound listener', () => {
  it('skips malformed notifications and providers without a job, and keeps listening', async () => {
    await deps.db.execute(sql`select pg_notify(${INBOUND_CHANNEL}, 'not json'), pg_notify(${INBOUND_CHANNEL}, ${JSON.stringify({ id: crypto.randomUUID(), provider: 'web' })})`);
    const ev = lineEvent(newLineUserId(), 'follow');
    expect((await send(await lineRequest([ev]))).status).toBe(200);
    const [row] = await processedRows([ev.webhookEventId]);
    expect(row?.processedAt).not.toBeNull();
    expect(deps.logs.text).toContain('ignored a malformed inbound notification');
    expect(deps.logs.text).toContain('stored inbound events have no job to process them');
  });

  it('does not notify for events stored already processed (voice answers synchronously)', async () => {
    const got: string[] = [];
    const sub = await deps.dbHandle.pg!.listen(INBOUND_CHANNEL, (p) => got.push(p));
    const [voice] = await deps.db.insert(inboundEvents).values({ provider: 'twilio_voice', providerEventId: twilioSid('CA'), payload: {}, processedAt: new Date() }).returning();
    const messageSid = twilioSid('SM');
    const payload = { MessageSid: messageSid, MessageStatus: 'sent', AccountSid: PROVIDER_ENV.TWILIO_ACCOUNT_SID, To: '+819033334444', From: PROVIDER_ENV.TWILIO_FROM_NUMBER };
    const [sms] = await deps.db.insert(inboundEvents).values({ provider: 'twilio_status', providerEventId: `${messageSid}:sent`, payload }).returning();
    const deadline = Date.now() + 5_000;
    while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await sub.unlisten();
    expect(got.map((p) => JSON.parse(p))).toEqual([{ id: sms!.id, provider: 'twilio_status' }]);
    expect(got.join()).not.toContain(voice!.id);
    // …and the notified one is processed like any status callback (one about a message we never sent).
    const [done] = await processedRows([sms!.providerEventId]);
    expect(done?.processedAt).not.toBeNull();
  });

  it('is not started on PGlite (no LISTEN across processes; the sweeper covers)', async () => {
    const lite = { ...deps, dbHandle: { ...deps.dbHandle, kind: 'pglite' as const, pg: undefined } };
    expect(await startInboundListener(lite, ALL_JOBS)).toBeNull();
    const [row] = await deps.db.select().from(inboundEvents).where(eq(inboundEvents.provider, 'line')).limit(1);
    expect(row).toBeDefined();
  });
});

describe('the inbound listener after its connection drops', () => {
  it('sweeps at once what was stored while it was not listening', async () => {
    const ev = lineEvent(newLineUserId(), 'follow');
    // Store the event and kill the listening connection in one transaction: the NOTIFY
    // goes out at commit, when nobody listens any more.
    await deps.db.transaction(async (tx) => {
      await tx.insert(inboundEvents).values({ provider: 'line', providerEventId: ev.webhookEventId, senderKey: null, payload: ev });
      await tx.execute(sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'listen%' and pid <> pg_backend_pid()`);
    });
    // postgres.js listens again; the listener sweeps then (the tick's sweeper would wait ≥ 30 s).
    const [row] = await processedRows([ev.webhookEventId], 10_000);
    expect(row?.processedAt).not.toBeNull();
    expect(deps.logs.text).toContain('inbound listener reconnected');
  });
});
