import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import twilio from 'twilio';
import { startLineStandIn, type LineStandIn } from '../../../bench/support/line-stand-in';
import { queryRows, type Db } from '../../../db/client';
import { signLineBody } from '../../../src/bot/line/signature';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { startRedisInstance, type RedisInstance } from '../../support/redis-instance';
import { startTwilioStandIn, type TwilioStandIn } from './twilio-stand-in';

export const LINE_SECRET = 'faults-line-secret';
export const TWILIO = {
  TWILIO_ACCOUNT_SID: `AC${'0123456789abcdef'.repeat(2)}`,
  TWILIO_AUTH_TOKEN: 'faults-twilio-token',
  TWILIO_FROM_NUMBER: '+815000000000',
  PUBLIC_BASE_URL: 'https://mimamori.test',
} as const;

/**
 * One fault test's world: a private Redis (stoppable), the LINE and Twilio stand-ins over
 * real HTTP, and test deps wired to all three with a settable clock.
 */
export interface World {
  deps: TestDeps;
  redis: RedisInstance;
  line: LineStandIn;
  twilio: TwilioStandIn;
  clock: { at: Date };
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function createWorld(opts: { start: Date; env?: Record<string, string>; lineHoldMs?: number }): Promise<World> {
  const redis = await startRedisInstance();
  const line = await startLineStandIn({ holdMs: opts.lineHoldMs });
  const tw = await startTwilioStandIn();
  const clock = { at: opts.start };
  const env = {
    REDIS_URL: redis.url,
    LINE_CHANNEL_SECRET: LINE_SECRET,
    LINE_CHANNEL_ACCESS_TOKEN: 'faults-line-token',
    LINE_API_BASE_URL: line.url,
    ...TWILIO,
    TWILIO_API_BASE_URL: tw.url,
    // The stand-in has no per-number limit: the tests' SMS need not wait at the production 1/s.
    SMS_PER_SECOND: '50',
    ...opts.env,
  };
  const deps = await createTestDeps(env, { now: () => clock.at });
  return {
    deps,
    redis,
    line,
    twilio: tw,
    clock,
    env,
    async close() {
      await deps.close();
      await line.close();
      await tw.close();
      await redis.close();
    },
  };
}

/** The LINE user id the jobs fixtures give a person ('U' + md5(id)). */
export const lineUserOf = async (db: Db, personId: string) =>
  (await queryRows<{ address: string }>(db, sql`select address from person_channels where person_id = ${personId} and kind = 'line'`))[0]!.address;

export const uniquePhone = () => `+8190${String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, '0')}`;

export function lineTextEvent(userId: string, text: string, at: Date, redelivery = false) {
  return {
    type: 'message',
    mode: 'active',
    timestamp: at.getTime(),
    source: { type: 'user', userId },
    webhookEventId: `01FAULT${randomBytes(8).toString('hex').toUpperCase()}`,
    deliveryContext: { isRedelivery: redelivery },
    replyToken: randomUUID().replace(/-/g, ''),
    message: { type: 'text', id: String(Date.now()), quoteToken: 'q', text },
  };
}

type App = { request: (input: string, init?: RequestInit) => Response | Promise<Response> };

/** POST events to /webhooks/line, signed with the channel secret. */
export async function postLine(app: App, events: unknown[]): Promise<Response> {
  const body = JSON.stringify({ destination: 'Ufaults', events });
  return app.request('/webhooks/line', { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-line-signature': await signLineBody(LINE_SECRET, body) } });
}

/** POST a form to a Twilio webhook, signed as Twilio signs it (over PUBLIC_BASE_URL). */
export async function postTwilio(app: App, path: string, params: Record<string, string>): Promise<Response> {
  const signature = twilio.getExpectedTwilioSignature(TWILIO.TWILIO_AUTH_TOKEN, `${TWILIO.PUBLIC_BASE_URL}${path}`, params);
  return app.request(`http://internal:3000${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
}

export const twilioSid = (prefix: 'SM' | 'CA') => `${prefix}${randomBytes(16).toString('hex')}`;

/** Poll until `check` holds; fails after `timeoutMs` naming what was awaited. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const count = async (db: Db, query: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(db, query))[0]!.n;
