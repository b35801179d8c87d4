import { randomBytes, randomUUID } from 'node:crypto';
import { signLineBody } from '../../../src/bot/line/signature';
import { computeTwilioSignature } from '../../../src/bot/twilio/signature';

/** Provider settings for the Worker and for the Node side (the same values, as in production). */
export const PROVIDER_ENV = {
  LINE_CHANNEL_SECRET: 'worker-test-line-secret',
  LINE_CHANNEL_ACCESS_TOKEN: 'worker-test-line-token',
  LINE_API_BASE_URL: 'https://line-api.test',
  TWILIO_ACCOUNT_SID: `AC${'0123456789abcdef'.repeat(2)}`,
  TWILIO_AUTH_TOKEN: 'worker-test-twilio-token',
  TWILIO_FROM_NUMBER: '+815000000000',
  TWILIO_API_BASE_URL: 'https://twilio-api.test',
  PUBLIC_BASE_URL: 'https://intake.mimamori.test',
} as const;

export const newLineUserId = () => `U${randomBytes(16).toString('hex')}`;

/** A LINE webhook event as LINE sends it now. */
export function lineEvent(userId: string, type: 'follow' | 'message' | 'postback', extra: Record<string, unknown> = {}) {
  return {
    type,
    mode: 'active',
    timestamp: Date.now(),
    source: { type: 'user', userId },
    webhookEventId: `01WK${randomBytes(11).toString('hex').toUpperCase()}`,
    deliveryContext: { isRedelivery: false },
    replyToken: randomUUID().replace(/-/g, ''),
    ...extra,
  };
}

/** A signed LINE webhook request (or one signed with another secret: a forgery). */
export async function lineRequest(events: unknown[], secret: string = PROVIDER_ENV.LINE_CHANNEL_SECRET): Promise<RequestInit & { url: string }> {
  const body = JSON.stringify({ destination: 'Uworker', events });
  return { url: `${PROVIDER_ENV.PUBLIC_BASE_URL}/webhooks/line`, method: 'POST', headers: { 'content-type': 'application/json', 'x-line-signature': await signLineBody(secret, body) }, body };
}

export const twilioSid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

/** A signed Twilio webhook form post to PUBLIC_BASE_URL + path, as Twilio signs it. */
export async function twilioRequest(pathname: string, params: Record<string, string>, token: string = PROVIDER_ENV.TWILIO_AUTH_TOKEN): Promise<RequestInit & { url: string }> {
  const url = `${PROVIDER_ENV.PUBLIC_BASE_URL}${pathname}`;
  const signature = await computeTwilioSignature(token, url, params);
  return { url, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(params).toString() };
}
