import { randomBytes } from 'node:crypto';
import { senderKeyOf } from '../../../src/bot/line/intake';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundEvents } from '../../../db/schema';
import { createApp } from '../../../src/app';
import { createInboxGate } from '../../../src/boot';
import { createMetricsApp } from '../../../src/ops/metrics-server';
import { readinessDetail } from '../../../src/ops/readiness';
import { eventRegistry } from '../../../src/platform/metrics/events';
import { Client, ensureCentre, makeStaff } from '../../admin/support';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createLineApiMock } from '../../support/line-api-mock';
import { LINE_ENV, lineEvent, newUserId, postbackEvent } from '../line/helpers';
import { sid, twilioPost, TWILIO_ENV } from '../twilio/helpers';
import { signLineBody } from '../../../src/bot/line/signature';

/**
 * Issue 16, overload without collapse: past INBOX_BACKLOG_LIMIT unprocessed inbox rows,
 * LINE webhooks are answered 503 with Retry-After at once and counted; Twilio's are still
 * stored (Twilio does not deliver an inbound SMS again); a shed event delivered again once
 * the backlog is down is stored and processed once; the backlog is in the logs, the
 * operators' /readyz and the national officers' console.
 */
const NOW = new Date('2026-03-10T01:00:00Z');
const LIMIT = 3;
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let line: ReturnType<typeof createLineApiMock>;

async function postLine(events: unknown[]) {
  const body = JSON.stringify({ destination: 'Uxxxxxxxx', events });
  return app.request('/webhooks/line', { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-line-signature': await signLineBody(LINE_ENV.LINE_CHANNEL_SECRET, body) } });
}

const shedCount = async () => (await eventRegistry.getSingleMetric('mimamori_webhooks_shed_total')!.get()).values.find((v) => v.labels.provider === 'line')?.value ?? 0;
const storedIds = async (ids: string[]) => (await deps.db.select({ id: inboundEvents.providerEventId, processedAt: inboundEvents.processedAt }).from(inboundEvents).where(inArray(inboundEvents.providerEventId, ids)));

beforeAll(async () => {
  deps = await createTestDeps({ ...LINE_ENV, ...TWILIO_ENV, INBOX_BACKLOG_LIMIT: String(LIMIT), INBOX_RETRY_AFTER_SECONDS: '7', REQUIRE_TOTP_FOR: 'officers' }, { now: () => NOW });
  line = createLineApiMock();
  line.server.listen({ onUnhandledRequest: 'bypass' });
  // As createDeps builds it; started by hand here so each reading is the test's.
  deps.inboxGate = createInboxGate(deps.env, deps.db, deps.logger, deps.now);
  app = createApp(deps);
});
afterAll(async () => {
  line?.server.close();
  await deps?.close();
});

describe('the inbox backlog gate', () => {
  it('lets everything in under the limit, then sheds LINE (503 + Retry-After, counted) and still stores SMS', async () => {
    const user = newUserId();
    // Four answers from strangers (no worker runs in this file until later): the backlog passes 3.
    const first = Array.from({ length: LIMIT + 1 }, () => postbackEvent(user, 'x=1'));
    const res = await postLine(first);
    expect(res.status).toBe(200);
    await deps.inboxGate!.refresh();
    expect(deps.inboxGate!.state()).toMatchObject({ backlog: LIMIT + 1, overloaded: true, limit: LIMIT });
    expect(deps.logs.text).toContain('inbox backlog past its limit');
    expect(deps.logs.text).toMatch(/"backlog":4,"oldestAgeSeconds":\d+,"limit":3/);

    const shedBefore = await shedCount();
    const late = lineEvent(user, 'postback', { postback: { data: 'x=2' } }) as { webhookEventId: string };
    const started = performance.now();
    const refused = await postLine([late]);
    const tookMs = performance.now() - started;
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(await shedCount()).toBe(shedBefore + 1);
    expect(tookMs).toBeLessThan(1000); // no database work on the refusal
    expect(await storedIds([late.webhookEventId])).toHaveLength(0);

    // The operators' scrape (metrics port) shows the shed counter and the gate's reading.
    const scrape = await (await createMetricsApp(deps).request('/metrics')).text();
    expect(scrape).toMatch(new RegExp(`^mimamori_webhooks_shed_total\\{provider="line"\\} ${shedBefore + 1}$`, 'm'));
    expect(scrape).toMatch(/^mimamori_inbox_backlog_cached 4$/m);
    expect(scrape).toMatch(/^mimamori_inbox_oldest_age_cached_seconds \d+$/m);

    // SMS: Twilio does not deliver again, so it is stored whatever the backlog.
    const messageSid = sid('SM');
    const sms = await twilioPost(app, '/webhooks/twilio/sms', { MessageSid: messageSid, From: '+819012345678', To: TWILIO_ENV.TWILIO_FROM_NUMBER, Body: '1' });
    expect(sms.status).toBe(200);
    expect(await storedIds([messageSid])).toHaveLength(1);
    expect(await shedCount()).toBe(shedBefore + 1);

    // The operators' /readyz shows the gate's reading.
    const detail = await readinessDetail(deps);
    expect(detail.intake).toMatchObject({ shedding: true, backlog: LIMIT + 1, limit: LIMIT });
    expect(detail.inbox).toMatchObject({ backlog: LIMIT + 2 });

    // Workers catch up; LINE delivers the refused event again: stored and processed once.
    deps.jobs.startWorkers(deps, { queues: ['inbound', 'inbound-twilio'], scheduler: false });
    // (the intake enqueued every stored row; the workers take them now)
    await waitUntil(async () => (await deps.inboxGate!.refresh(), deps.inboxGate!.state().backlog === 0), 60_000);
    expect(deps.logs.text).toContain('inbox backlog back under its limit');
    const again = { ...late, deliveryContext: { isRedelivery: true } };
    expect((await postLine([again])).status).toBe(200);
    expect((await postLine([again])).status).toBe(200); // a second redelivery is a duplicate, not a second event
    await waitUntil(async () => (await storedIds([late.webhookEventId]))[0]?.processedAt != null, 60_000);
    expect(await storedIds([late.webhookEventId])).toHaveLength(1);
    const all = await storedIds([...first.map((e) => (e as { webhookEventId: string }).webhookEventId), late.webhookEventId]);
    expect(all).toHaveLength(LIMIT + 2);
  }, 120_000);

  it('reads nothing per request: the gate reads on its timer only', async () => {
    let reads = 0;
    const { BacklogGate } = await import('../../../src/platform/backlog-gate');
    const gate = new BacklogGate({ read: async () => (reads++, { backlog: 10, oldestAgeSeconds: 1 }), limit: 5, maxAgeSeconds: 0, retryAfterSeconds: 3, logger: deps.logger, refreshMs: 60_000 });
    expect(gate.shed('line')).toBeNull(); // not read yet: let in
    await gate.refresh();
    for (let i = 0; i < 100; i++) expect(gate.shed('line')).toBe(3);
    expect(reads).toBe(1);
    // An age limit alone also sheds.
    const byAge = new BacklogGate({ read: async () => ({ backlog: 1, oldestAgeSeconds: 120 }), limit: 1000, maxAgeSeconds: 60, retryAfterSeconds: 3, logger: deps.logger });
    await byAge.refresh();
    expect(byAge.state().overloaded).toBe(true);
    // A failed read keeps the last reading (the insert itself then decides).
    const failing = new BacklogGate({ read: async () => { throw new Error('down'); }, limit: 1, maxAgeSeconds: 0, retryAfterSeconds: 3, logger: deps.logger });
    await failing.refresh();
    expect(failing.shed('line')).toBeNull();
  });

  it('closes at the limit between readings: what this process stored since the last reading counts (a failed read stops counting)', async () => {
    const { BacklogGate } = await import('../../../src/platform/backlog-gate');
    let backlog = 90;
    const gate = new BacklogGate({ read: async () => ({ backlog, oldestAgeSeconds: 1 }), limit: 100, maxAgeSeconds: 0, retryAfterSeconds: 3, logger: deps.logger, refreshMs: 60_000 });
    gate.stored(500); // before any reading: everything is let in, as before
    await gate.refresh();
    expect(gate.shed('line')).toBeNull();
    gate.stored(10);
    expect(gate.shed('line')).toBeNull(); // 100 of 100
    gate.stored(1);
    expect(gate.shedding()).toBe(true);
    expect(gate.shed('line')).toBe(3);
    expect(gate.state().overloaded).toBe(false); // the reading itself was under the limit
    // The workers drained it: the next reading opens the gate, the count starts again.
    backlog = 0;
    await gate.refresh();
    expect(gate.shed('line')).toBeNull();
    gate.stored(101);
    expect(gate.shed('line')).toBe(3);
    // A reading that fails stops adding to the old one (the insert itself then decides).
    let down = false;
    const flaky = new BacklogGate({ read: async () => { if (down) throw new Error('down'); return { backlog: 10, oldestAgeSeconds: 1 }; }, limit: 100, maxAgeSeconds: 0, retryAfterSeconds: 3, logger: deps.logger, refreshMs: 60_000 });
    await flaky.refresh();
    flaky.stored(91);
    expect(flaky.shed('line')).toBe(3);
    down = true;
    await flaky.refresh();
    expect(flaky.shed('line')).toBeNull();
  });

  it('sheds before verifying or parsing: no signature check, nothing from the database or Redis (a body of undeclared length not even read)', async () => {
    const { BacklogGate } = await import('../../../src/platform/backlog-gate');
    const { createLineWebhookRoutes } = await import('../../../src/bot/line/webhook-routes');
    const gate = new BacklogGate({ read: async () => ({ backlog: 10, oldestAgeSeconds: 1 }), limit: 5, maxAgeSeconds: 0, retryAfterSeconds: 4, logger: deps.logger });
    await gate.refresh();
    // Any use of the database, the queues or the inbox writer while shedding is a failure.
    const touched: string[] = [];
    const forbidden = (name: string) => new Proxy({}, { get: (_t, key) => { touched.push(`${name}.${String(key)}`); throw new Error(`${name} used while shedding`); } });
    const routes = createLineWebhookRoutes(
      { ...deps, db: forbidden('db') as TestDeps['db'], jobs: forbidden('jobs') as TestDeps['jobs'], inboxGate: gate },
      forbidden('inbox') as Parameters<typeof createLineWebhookRoutes>[1],
    );
    // A body that records whether anyone read it (highWaterMark 0: nothing is pulled ahead).
    let bodyRead = false;
    const body = new ReadableStream<Uint8Array>({ pull(ctl) { bodyRead = true; ctl.enqueue(new TextEncoder().encode('{"events":[]}')); ctl.close(); } }, { highWaterMark: 0 });
    const shedBefore = await shedCount();
    const res = await routes.request('/', { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-line-signature': 'bm90IHRoZSBzaWduYXR1cmU=' }, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(503); // not 401: the signature is not looked at while shedding
    expect(res.headers.get('retry-after')).toBe('4');
    expect(await res.json()).toMatchObject({ code: 'overloaded' });
    expect(bodyRead).toBe(false);
    expect(touched).toEqual([]);
    expect(await shedCount()).toBe(shedBefore + 1);

    // Open again: the same bad signature is 401, the body is read to verify it.
    const open = new BacklogGate({ read: async () => ({ backlog: 0, oldestAgeSeconds: 0 }), limit: 5, maxAgeSeconds: 0, retryAfterSeconds: 4, logger: deps.logger });
    await open.refresh();
    const unsigned = await createLineWebhookRoutes({ ...deps, inboxGate: open }).request('/', { method: 'POST', body: '{"events":[]}', headers: { 'content-type': 'application/json', 'x-line-signature': 'bm90IHRoZSBzaWduYXR1cmU=' } });
    expect(unsigned.status).toBe(401);
  });

  it('never sheds a red answer: a body holding a button marked red (u=1), or a text its sender\'s hint says is red, is verified and stored past the limit, counted apart', async () => {
    const { BacklogGate } = await import('../../../src/platform/backlog-gate');
    const { createLineWebhookRoutes } = await import('../../../src/bot/line/webhook-routes');
    const gate = new BacklogGate({ read: async () => ({ backlog: 10, oldestAgeSeconds: 1 }), limit: 5, maxAgeSeconds: 0, retryAfterSeconds: 4, logger: deps.logger });
    await gate.refresh();
    const routes = createLineWebhookRoutes({ ...deps, inboxGate: gate });
    const admitted = async () => (await eventRegistry.getSingleMetric('mimamori_webhooks_admitted_urgent_total')!.get()).values.find((v) => v.labels.provider === 'line')?.value ?? 0;
    const post = async (events: unknown[], escape = false) => {
      let body = JSON.stringify({ destination: 'Uxxxxxxxx', events });
      if (escape) body = body.replaceAll('&', '\\u0026'); // as an HTML-safe JSON encoder writes it
      const length = String(new TextEncoder().encode(body).length); // as LINE declares it (a test Request has none of itself)
      return routes.request('/', { method: 'POST', body, headers: { 'content-type': 'application/json', 'content-length': length, 'x-line-signature': await signLineBody(LINE_ENV.LINE_CHANNEL_SECRET, body) } });
    };
    const sid = '00000000-0000-4000-8000-000000000002';
    const user = newUserId();
    const [shedBefore, admittedBefore] = [await shedCount(), await admitted()];
    const red = postbackEvent(user, `s=${sid}&q=breathless&v=yes&u=1`) as { webhookEventId: string };
    const escaped = postbackEvent(user, `s=${sid}&q=spo2&v=yes&u=1`) as { webhookEventId: string };
    expect((await post([red])).status).toBe(200);
    expect((await post([escaped], true)).status).toBe(200);
    expect(await storedIds([red.webhookEventId, escaped.webhookEventId])).toHaveLength(2);
    // Its other buttons, and anything else, are still refused.
    expect((await post([postbackEvent(user, `s=${sid}&q=breathless&v=no`)])).status).toBe(503);
    expect((await post([lineEvent(user, 'message', { message: { type: 'text', id: '1', quoteToken: 'q', text: 'u=1"' } })])).status).toBe(503);
    // A typed answer its sender's hint says is red (the worker keeps it while SpO2 is asked) is let in too; 97 is not.
    await deps.jobs.typedRedHints.remember(new Map([[await senderKeyOf(user), { kind: 'number', options: { min: 1, max: 100, precision: 1 }, ranges: [[1, 93]] }]]));
    const typed = (text: string) => lineEvent(user, 'message', { message: { type: 'text', id: '2', quoteToken: 'q', text } }) as { webhookEventId: string };
    const low = typed('９２％');
    expect((await post([low])).status).toBe(200);
    expect(await storedIds([low.webhookEventId])).toHaveLength(1);
    expect((await post([typed('97')])).status).toBe(503);
    expect((await post([lineEvent(newUserId(), 'message', { message: { type: 'text', id: '3', quoteToken: 'q', text: '92' } })])).status).toBe(503); // no hint: another sender
    expect(await admitted()).toBe(admittedBefore + 3);
    expect(await shedCount()).toBe(shedBefore + 4);
    // A forged mark gains nothing but the signature check: 401, nothing stored.
    const forged = JSON.stringify({ destination: 'U', events: [postbackEvent(user, `s=${sid}&q=x&v=y&u=1`)] });
    const res = await routes.request('/', { method: 'POST', body: forged, headers: { 'content-type': 'application/json', 'content-length': String(forged.length), 'x-line-signature': 'bm90IHRoZSBzaWduYXR1cmU=' } });
    expect(res.status).toBe(401);
  });

  it("shows the backlog on the national officers' reports page, and not to a nurse", async () => {
    const email = `nat-${randomBytes(3).toString('hex')}@overload.jp`;
    await makeStaff(deps, { email, role: 'national_officer', jurisdictionCode: 'JP' });
    const officer = new Client(app);
    await officer.signInWithTotp(email, NOW);
    const html = await (await officer.get('/admin/reports')).text();
    const backlog = (await deps.db.select({ id: inboundEvents.id }).from(inboundEvents).where(eq(inboundEvents.provider, 'line'))).length;
    expect(html).toContain('id="intake-backlog"');
    expect(html).toContain('受信処理の滞留');
    expect(html).toMatch(/id="intake-backlog-count">\d+</);
    expect(backlog).toBeGreaterThan(0);

    await ensureCentre(deps, '13-901', 'みなと保健所');
    await makeStaff(deps, { email: 'nurse@overload.jp', role: 'nurse', jurisdictionCode: '13-901' });
    const nurse = new Client(app);
    await nurse.signIn('nurse@overload.jp');
    expect(await (await nurse.get('/admin/reports')).text()).not.toContain('intake-backlog');
  }, 60_000);
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}
