import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { jurisdictions } from '../../../db/schema';
import { inboundEvents } from '../../../db/schema';
import { createApp } from '../../../src/app';
import { processLineInbound } from '../../../src/bot/line/process-inbound';
import { signLineBody } from '../../../src/bot/line/signature';
import { systemActor, withTransaction } from '../../../src/domain/context';
import { issueLinkCode } from '../../../src/domain/persons/issue-link-code';
import { registerPerson } from '../../../src/domain/persons/register-person';
import { closeMonitoring } from '../../../src/domain/rounds/close-monitoring';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createLineApiMock, LINE_TEST_BASE_URL, type LineApiCall } from '../../support/line-api-mock';

export const SECRET = 'test-secret';
export const LINE_ENV = { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: 'test-token', LINE_API_BASE_URL: LINE_TEST_BASE_URL } as const;

import { clock } from '../../support/clock';

export { clock };

export async function setupLine() {
  const deps = await createTestDeps(LINE_ENV, { now: () => clock.at });
  const line = createLineApiMock();
  line.server.listen({ onUnhandledRequest: (req, print) => (new URL(req.url).host === 'line-api.test' ? print.error() : undefined) });
  const app = createApp(deps);
  const code = `13-${randomBytes(3).toString('hex')}`;
  const [pref] = await deps.db.select().from(jurisdictions).where(eq(jurisdictions.code, '13'));
  await deps.db.insert(jurisdictions).values({ kind: 'health_centre', parentId: pref!.id, code, path: `/JP/13/${code}/`, nameJa: 'みなと保健所', nameEn: 'Minato Health Centre', phone: '03-1234-5678', openingHours: '{"days":[1,2,3,4,5],"open":"08:30","close":"17:15"}' });
  return { deps, line, app, centreCode: code, close: async () => { line.server.close(); await deps.close(); } };
}
export type LineTest = Awaited<ReturnType<typeof setupLine>>;

export async function registerPatient(t: LineTest, extra: Record<string, unknown> = {}): Promise<string> {
  const { id } = await withTransaction(t.deps.db, { actor: systemActor('test'), now: clock.at }, (ctx) =>
    registerPerson({ ctx, input: { caseNumber: `C-${randomBytes(4).toString('hex')}`, name: '見守 太郎', classification: 'confirmed', responsibleCentreCode: t.centreCode, ...extra } }),
  );
  return id;
}

export async function issueCode(deps: TestDeps, personId: string): Promise<string> {
  const { code } = await withTransaction(deps.db, { actor: systemActor('test'), now: clock.at }, (ctx) => issueLinkCode({ ctx, input: { personId }, env: deps.env }));
  return code;
}

/** End a person's monitoring as the tick or a nurse would. */
export async function endMonitoringOf(deps: TestDeps, personId: string): Promise<void> {
  await closeMonitoring(deps.db, { personIds: [personId], now: clock.at, reason: 'test', actor: { kind: 'system', id: 'test' } });
}

/** A linked patient: registered, code typed in LINE (the reply is sent). */
export async function linkedPatient(t: LineTest, extra: Record<string, unknown> = {}): Promise<{ personId: string; user: string }> {
  const personId = await registerPatient(t, extra);
  const user = newUserId();
  await say(t, textEvent(user, await issueCode(t.deps, personId)));
  return { personId, user };
}

let seq = 0;
/** A LINE webhook event as LINE sends it (fresh reply token, timestamp = the test clock). */
export function lineEvent(userId: string, type: string, extra: Record<string, unknown> = {}) {
  return {
    type,
    mode: 'active',
    timestamp: clock.at.getTime(),
    source: { type: 'user', userId },
    webhookEventId: `01HTEST${Date.now().toString(36).toUpperCase()}${(++seq).toString().padStart(6, '0')}${randomBytes(2).toString('hex').toUpperCase()}`,
    deliveryContext: { isRedelivery: false },
    ...(type === 'unfollow' ? {} : { replyToken: randomUUID().replace(/-/g, '') }),
    ...extra,
  };
}
export const textEvent = (userId: string, text: string) => lineEvent(userId, 'message', { message: { type: 'text', id: String(++seq), quoteToken: 'q', text } });
export const postbackEvent = (userId: string, data: string) => lineEvent(userId, 'postback', { postback: { data } });
export const newUserId = () => `U${randomBytes(16).toString('hex')}`;

export async function postWebhook(t: LineTest, events: unknown[], opts: { signature?: string | null; rawBody?: string } = {}) {
  const body = opts.rawBody ?? JSON.stringify({ destination: 'Uxxxxxxxx', events });
  const signature = opts.signature === undefined ? await signLineBody(SECRET, body) : opts.signature;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['x-line-signature'] = signature;
  return t.app.request('/webhooks/line', { method: 'POST', body, headers });
}

/** Run the inbound job for every stored, unprocessed event (as the worker would), in arrival order. */
export async function runInbound(t: LineTest): Promise<void> {
  const rows = await t.deps.db.select({ id: inboundEvents.id }).from(inboundEvents).where(isNull(inboundEvents.processedAt)).orderBy(inboundEvents.seq);
  for (const r of rows) await processLineInbound(t.deps, r.id);
}

/** Post events, process them, and return the LINE API calls they caused. */
export async function say(t: LineTest, ...events: unknown[]): Promise<LineApiCall[]> {
  clock.at = new Date(clock.at.getTime() + 1000); // a patient takes at least a second per answer
  const before = t.line.calls.length;
  const res = await postWebhook(t, events);
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
  await runInbound(t);
  return t.line.calls.slice(before);
}

/** All texts of the messages in some calls. */
export const textsOf = (calls: LineApiCall[]) => calls.flatMap((c) => (c.body?.messages ?? []).map((m: { text: string }) => m.text)).join('\n---\n');

/** The quick-reply buttons of the last message of the last call. */
export function buttonsOf(calls: LineApiCall[]): { label: string; data: string }[] {
  const msgs = calls.at(-1)?.body?.messages ?? [];
  const items = msgs.at(-1)?.quickReply?.items ?? [];
  return items.map((i: { action: { label: string; data: string } }) => ({ label: i.action.label, data: i.action.data }));
}

export async function storedEvents(t: LineTest, ids: string[]) {
  return t.deps.db.select().from(inboundEvents).where(and(eq(inboundEvents.provider, 'line'), inArray(inboundEvents.providerEventId, ids)));
}
