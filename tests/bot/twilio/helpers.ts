import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { XMLParser } from 'fast-xml-parser';
import twilio from 'twilio';
import { checkSessions, flowAssignments } from '../../../db/schema';
import { latestPublishedVersionId } from '../../../src/domain/flows/flow-versions';
import { localDateOf } from '../../../src/domain/time';
import type { TestDeps } from '../../support/deps';

export const TWILIO_ENV = {
  TWILIO_ACCOUNT_SID: `AC${'0123456789abcdef'.repeat(2)}`,
  TWILIO_AUTH_TOKEN: 'test-token',
  TWILIO_FROM_NUMBER: '+815000000000',
  TWILIO_API_BASE_URL: 'https://twilio-api.test',
  PUBLIC_BASE_URL: 'https://mimamori.test',
};

type App = { request: (input: string, init?: RequestInit) => Response | Promise<Response> };

/** POST a form to one of our webhooks, signed the way Twilio signs (its own getExpectedTwilioSignature). */
export async function twilioPost(app: App, pathAndQuery: string, params: Record<string, string>, opts: { token?: string; signature?: string; headers?: Record<string, string> } = {}) {
  const url = `${TWILIO_ENV.PUBLIC_BASE_URL}${pathAndQuery}`;
  const signature = opts.signature ?? twilio.getExpectedTwilioSignature(opts.token ?? TWILIO_ENV.TWILIO_AUTH_TOKEN, url, params);
  // The app sees its own host (as behind a proxy): the signature must still use PUBLIC_BASE_URL.
  return app.request(`http://internal:3000${pathAndQuery}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, ...opts.headers },
    body: new URLSearchParams(params).toString(),
  });
}

export const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

/** A scheduled check session as the round creates it: pending, no engine state yet. */
export async function createPendingSession(deps: TestDeps, personId: string, channel: 'sms' | 'voice' | 'line', now: Date, round = '09:00') {
  const [fa] = await deps.db.select().from(flowAssignments).where(eq(flowAssignments.personId, personId));
  const versionId = await latestPublishedVersionId(deps.db, fa!.flowId);
  const [row] = await deps.db
    .insert(checkSessions)
    .values({ personId, flowVersionId: versionId!, localDate: localDateOf(now, 'Asia/Tokyo'), round, channel, status: 'pending', dueAt: now, expiresAt: new Date(now.getTime() + 12 * 3600_000) })
    .returning();
  return row!;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', textNodeName: '#text', isArray: (name) => ['Say', 'prosody', 'break'].includes(name) });

export interface ParsedTwiml {
  Response: {
    Say?: { language: string; voice: string; prosody: { rate: string; '#text': string }[] }[];
    Gather?: Record<string, string> & { Say?: { language: string; voice: string; prosody: { rate: string; '#text': string }[] }[] };
    Hangup?: unknown;
  };
}

/** TwiML parsed as XML (never matched with regexes). */
export function parseTwiml(xml: string): ParsedTwiml {
  return parser.parse(xml) as ParsedTwiml;
}

/** Everything said, in order (outside and inside Gather). */
export function spoken(t: ParsedTwiml): string[] {
  const says = [...(t.Response.Say ?? []), ...(t.Response.Gather?.Say ?? [])];
  return says.flatMap((s) => s.prosody.map((p) => String(p['#text'])));
}

/** Just the Twilio routers, composed as src/app.ts does (other routers are not this file's concern). */
export async function twilioApp(deps: TestDeps) {
  const { Hono } = await import('hono');
  const { errorHandler } = await import('../../../src/platform/http/errors');
  const { accessLog } = await import('../../../src/platform/http/access-log');
  const { createTwilioSmsRoutes } = await import('../../../src/bot/sms/routes');
  const { createTwilioVoiceRoutes } = await import('../../../src/bot/voice/routes');
  const { createTwilioStatusRoutes } = await import('../../../src/bot/twilio/status-routes');
  const app = new Hono();
  app.use('*', accessLog(deps.logger));
  app.onError(errorHandler(deps.logger));
  app.route('/webhooks/twilio/sms', createTwilioSmsRoutes(deps));
  app.route('/webhooks/twilio/voice', createTwilioVoiceRoutes(deps));
  app.route('/webhooks/twilio/status', createTwilioStatusRoutes(deps));
  return app;
}

/** Run the inbound job for every unprocessed Twilio event, as the worker would. */
export async function runInboundJobs(deps: TestDeps) {
  const { inboundEvents } = await import('../../../db/schema');
  const { processTwilioInbox } = await import('../../../src/bot/twilio/process-inbox');
  const { and, asc, inArray, isNull } = await import('drizzle-orm');
  const rows = await deps.db
    .select({ id: inboundEvents.id })
    .from(inboundEvents)
    .where(and(isNull(inboundEvents.processedAt), inArray(inboundEvents.provider, ['twilio_sms', 'twilio_status'])))
    .orderBy(asc(inboundEvents.seq));
  for (const r of rows) await processTwilioInbox(deps, r.id);
}
