import { createHash } from 'node:crypto';
import type { Env } from '../../config/env';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  fromNumber: string;
  apiBaseUrl: string;
  publicBaseUrl: string;
}

/** The Twilio settings when all three are given; null means the Twilio channels are off. */
export function twilioSettings(env: Env): TwilioSettings | null {
  if (!env.TWILIO_ACCOUNT_SID || !env.TWILIO_AUTH_TOKEN || !env.TWILIO_FROM_NUMBER) return null;
  return {
    accountSid: env.TWILIO_ACCOUNT_SID,
    authToken: env.TWILIO_AUTH_TOKEN,
    fromNumber: env.TWILIO_FROM_NUMBER,
    apiBaseUrl: env.TWILIO_API_BASE_URL.replace(/\/+$/, ''),
    publicBaseUrl: env.PUBLIC_BASE_URL.replace(/\/+$/, ''),
  };
}

/** The public address of one of our webhooks (what Twilio calls and signs). */
export function webhookUrl(env: Env, path: '/webhooks/twilio/sms' | '/webhooks/twilio/voice' | '/webhooks/twilio/status', query?: Record<string, string>): string {
  const base = env.PUBLIC_BASE_URL.replace(/\/+$/, '');
  const qs = query ? `?${new URLSearchParams(query).toString()}` : '';
  return `${base}${path}${qs}`;
}

/** Ids only in job payloads and URLs: a phone number becomes a stable hash (inbound_events.sender_key). */
export async function senderKeyOf(phone: string): Promise<string> {
  return createHash('sha256').update(`phone:${phone}`).digest('hex');
}
