import { randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Miniflare } from 'miniflare';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inboundEvents, outboundMessages } from '../../db/schema';
import { INBOUND_CHANNEL, startInboundListener, type InboundListener } from '../../src/jobs/inbound-listener';
import { ALL_JOBS } from '../../src/jobs/registry';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createLineApiMock, type LineApiMock } from '../support/line-api-mock';
import { createTwilioApiMock } from '../support/twilio-api-mock';
import { createIntakeRole, type IntakeRole } from './support/intake-role';
import { lineEvent, lineRequest, newLineUserId, PROVIDER_ENV, twilioRequest, twilioSid } from './support/providers';
import { startWorker } from './support/worker-harness';

/**
 * End to end across runtimes: the Worker (workerd) stores the event, the insert trigger
 * notifies, the Node side's inbound listener enqueues `inbound.<provider>`, a BullMQ
 * worker processes it and answers the patient through the (stand-in) provider API. The
 * Worker logs in as the least-privilege role wrangler.toml documents.
 */
let deps: TestDeps;
let role: IntakeRole;
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
  role = await createIntakeRole(deps.testDb.url);
  worker = await startWorker({ intake: { databaseUrl: role.url, bindings: { ...PROVIDER_ENV, LOG_LEVEL: 'warn' } } });
  mf = worker.mf;
  deps.jobs.startWorkers(deps, { queues: ['inbound', 'inbound-twilio', 'outbound'], scheduler: false });
  listener = await startInboundListener(deps, ALL_JOBS);
}, 180_000);
afterAll(async () => {
  await listener?.close();
  await worker?.close();
  line?.server.close();
  await deps?.close();
  await role?.drop();
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

describe('a status callback stored by the Worker', () => {
  it('is processed by Node: the message it is about moves to delivered', async () => {
    const sid = twilioSid('SM');
    const [sent] = await deps.db.insert(outboundMessages).values({ channel: 'sms', kind: 'reply', retryKey: `test:status:${sid}`, providerMessageId: sid, status: 'sent' }).returning();
    const params = { MessageSid: sid, MessageStatus: 'delivered', AccountSid: PROVIDER_ENV.TWILIO_ACCOUNT_SID, To: '+819055556666', From: PROVIDER_ENV.TWILIO_FROM_NUMBER };
    expect((await send(await twilioRequest('/webhooks/twilio/status', params))).status).toBe(200);
    const [row] = await processedRows([`${sid}:delivered`]);
    expect(row).toMatchObject({ provider: 'twilio_status', attempts: 1, lastError: null });
    expect(row!.processedAt).not.toBeNull();
    const [after] = await deps.db.select().from(outboundMessages).where(eq(outboundMessages.id, sent!.id));
    expect(after!.status).toBe('delivered');
  });
});

describe('the Node intake beside the listener', () => {
  it('enqueues each event it stores once: the insert trigger does not announce Node\'s own rows', async () => {
    const app = createApp(deps);
    const got: string[] = [];
    const sub = await deps.dbHandle.pg!.listen(INBOUND_CHANNEL, (p) => got.push(p));
    const enqueued: string[] = [];
    const trigger = vi.spyOn(deps.jobs, 'trigger');
    const triggerBulk = vi.spyOn(deps.jobs, 'triggerBulk');
    try {
      const ev = lineEvent(newLineUserId(), 'follow');
      const req = await lineRequest([ev]);
      expect((await app.request('/webhooks/line', req)).status).toBe(200);
      const sms = { MessageSid: twilioSid('SM'), AccountSid: PROVIDER_ENV.TWILIO_ACCOUNT_SID, From: '+819077778888', To: PROVIDER_ENV.TWILIO_FROM_NUMBER, Body: 'HELP' };
      const smsReq = await twilioRequest('/webhooks/twilio/sms', sms);
      expect((await app.request('/webhooks/twilio/sms', smsReq)).status).toBe(200);
      // Processed through the direct path, at once (no sweeper involved).
      const rows = await processedRows([ev.webhookEventId, sms.MessageSid]);
      expect(rows.every((r) => r.processedAt && r.attempts === 1)).toBe(true);
      // A Worker-stored event in the same stretch is still announced: the listener is alive.
      const edge = lineEvent(newLineUserId(), 'follow');
      expect((await send(await lineRequest([edge]))).status).toBe(200);
      const [edgeRow] = await processedRows([edge.webhookEventId]);
      for (const call of [...trigger.mock.calls, ...triggerBulk.mock.calls]) {
        const jobs = Array.isArray(call[1]) ? (call[1] as { jobId?: string }[]) : [{ jobId: (call[2] as { jobId?: string } | undefined)?.jobId }];
        enqueued.push(...jobs.map((j) => j.jobId ?? '?'));
      }
      const ids = rows.map((r) => r.id);
      expect(enqueued.filter((j) => ids.some((id) => j === `inbound:${id}`)).sort()).toEqual(ids.map((id) => `inbound:${id}`).sort());
      expect(got.map((p) => JSON.parse(p).id)).toEqual([edgeRow!.id]);
    } finally {
      trigger.mockRestore();
      triggerBulk.mockRestore();
      await sub.unlisten();
    }
  });
});

describe('the answer path', () => {
  interface Timing {
    /** The provider's webhook sent → its 2xx received. */
    answered: number;
    /** The provider's webhook sent → the greeting sent to LINE (what the patient waits for). */
    replied: number;
  }

  /** One fresh follow event through `post`, timed from the moment the provider sends it. */
  async function followToReply(post: (req: RequestInit & { url: string }) => Promise<Response>): Promise<Timing> {
    line.reset();
    const ev = lineEvent(newLineUserId(), 'follow');
    const req = await lineRequest([ev]);
    const sentAt = performance.now();
    const res = await post(req);
    const answered = performance.now() - sentAt;
    expect(res.status).toBe(200);
    // This event's reply (by its token): a reply of an earlier test's event may still be on its way.
    const mine = () => line.of('reply').filter((r) => r.body.replyToken === ev.replyToken);
    while (mine().length === 0 && performance.now() - sentAt < 10_000) await new Promise((r) => setTimeout(r, 2));
    expect(mine()).toHaveLength(1);
    return { answered, replied: performance.now() - sentAt };
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

  it('is as fast through the Worker and NOTIFY as through the Node intake and Redis', async () => {
    const app = createApp(deps);
    const viaNode = (req: RequestInit & { url: string }) => Promise.resolve(app.request(new URL(req.url).pathname, req));
    const edge: Timing[] = [];
    const node: Timing[] = [];
    const runs = 9;
    // Interleaved, so a burst of load from elsewhere on the machine hits both alike.
    for (let i = 0; i < runs; i++) {
      edge.push(await followToReply(send));
      node.push(await followToReply(viaNode));
    }
    const fmt = (ts: Timing[]) => `answered ${median(ts.map((t) => t.answered)).toFixed(0)} ms, replied ${median(ts.map((t) => t.replied)).toFixed(0)} ms`;
    console.info(`[answer path] webhook sent → 2xx / → LINE reply sent, median of ${runs}: Worker+NOTIFY ${fmt(edge)}; Node intake+Redis ${fmt(node)}`);
    // Both are job-processing bound; NOTIFY adds no polling delay (the sweeper would be ≥ 30 s).
    // The bound is loose on purpose: a loaded 2-core machine shifts both by hundreds of ms.
    expect(median(edge.map((t) => t.replied))).toBeLessThan(median(node.map((t) => t.replied)) + 1_000);
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

  it('puts a red tap the Worker stored in the urgent lane, as the Node intake does (the notification says urgent)', async () => {
    const got: string[] = [];
    const sub = await deps.dbHandle.pg!.listen(INBOUND_CHANNEL, (p) => got.push(p));
    const added = vi.spyOn(deps.jobs, 'triggerBulk');
    const ev = lineEvent(newLineUserId(), 'postback', { postback: { data: 'r=09%3A00&d=2026-03-10&q=breathless&v=yes&u=1' } });
    expect((await send(await lineRequest([ev]))).status).toBe(200);
    const [row] = await deps.db.select().from(inboundEvents).where(eq(inboundEvents.providerEventId, ev.webhookEventId));
    expect(row).toMatchObject({ urgent: true });
    for (const deadline = Date.now() + 5_000; !added.mock.calls.some(([, items]) => items.some((i) => (i.payload as { eventId?: string }).eventId === row!.id)) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    const call = added.mock.calls.find(([, items]) => items.some((i) => (i.payload as { eventId?: string }).eventId === row!.id));
    expect(call?.[0].name).toBe('inbound.line.urgent');
    await sub.unlisten();
    expect(got.map((p) => JSON.parse(p))).toContainEqual({ id: row!.id, provider: 'line', urgent: true });
    added.mockRestore();
  });

  it('does not notify for events stored already processed (voice answers synchronously)', async () => {
    const got: string[] = [];
    const sub = await deps.dbHandle.pg!.listen(INBOUND_CHANNEL, (p) => got.push(p));
    // Inserted as another intake would (the Worker's role): Node's own rows are never announced.
    const edge = postgres(role.url, { max: 1, onnotice: () => {}, connection: { application_name: 'mimamori-worker' } });
    const insert = async (provider: string, providerEventId: string, payload: unknown, processedAt: Date | null) => {
      const id = randomUUID();
      await edge`insert into inbound_events (id, provider, provider_event_id, payload, processed_at) values (${id}, ${provider}, ${providerEventId}, ${edge.json(payload as never)}, ${processedAt})`;
      return { id, providerEventId };
    };
    const voice = await insert('twilio_voice', twilioSid('CA'), {}, new Date());
    const messageSid = twilioSid('SM');
    const payload = { MessageSid: messageSid, MessageStatus: 'sent', AccountSid: PROVIDER_ENV.TWILIO_ACCOUNT_SID, To: '+819033334444', From: PROVIDER_ENV.TWILIO_FROM_NUMBER };
    const sms = await insert('twilio_status', `${messageSid}:sent`, payload, null);
    await edge.end();
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
