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
export async function createPendingSession(deps: TestDeps, personId: string, channel: 'sms' | 'voice', now: Date, round = '09:00') {
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
    Gather?: Record<string, string> & { Say?: { language: string; prosody: { rate: string; '#text': string }[] }[] };
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
