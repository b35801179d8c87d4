/**
 * Twilio's request signature (X-Twilio-Signature), computed with node:crypto, which
 * Cloudflare Workers has under `nodejs_compat` (issue 10; as the LINE signature, not Web
 * Crypto's importKey + sign a request): HMAC-SHA1 with the auth token
 * over the full URL followed by every form parameter as name+value, names sorted; base64.
 * https://www.twilio.com/docs/usage/security#validating-requests
 *
 * @example
 * await verifyTwilioSignature('token', 'https://mimamori.example.jp/webhooks/twilio/sms', params, header)
 */
import { createHmac } from 'node:crypto';

export type TwilioParams = Record<string, string | string[]>;

const encoder = new TextEncoder();

/** The string Twilio signs: URL, then each parameter name+value (repeated names: values sorted). */
export function signedPayload(url: string, params: TwilioParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name]!;
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value];
    for (const v of values) data += name + v;
  }
  return data;
}

export async function computeTwilioSignature(authToken: string, url: string, params: TwilioParams): Promise<string> {
  return createHmac('sha1', authToken).update(signedPayload(url, params)).digest('base64');
}

/**
 * True when `header` matches the signature of the URL (as given, and with or without the
 * default port — Twilio signs whichever form it was configured with).
 */
export async function verifyTwilioSignature(authToken: string, url: string, params: TwilioParams, header: string | null | undefined): Promise<boolean> {
  if (!header) return false;
  for (const candidate of urlVariants(url)) {
    if (constantTimeEqual(await computeTwilioSignature(authToken, candidate, params), header)) return true;
  }
  return false;
}

/** The URL as configured, and the same URL with the default port added or removed. */
export function urlVariants(url: string): string[] {
  const m = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(url);
  if (!m) return [url];
  const [, scheme, authority, rest] = m as unknown as [string, string, string, string];
  const defaultPort = scheme.toLowerCase() === 'https' ? '443' : '80';
  const withoutPort = authority.replace(new RegExp(`:${defaultPort}$`), '');
  const hasPort = /:\d+$/.test(authority);
  const variants = [url];
  if (hasPort && withoutPort !== authority) variants.push(`${scheme}://${withoutPort}${rest}`);
  if (!hasPort) variants.push(`${scheme}://${authority}:${defaultPort}${rest}`);
  return variants;
}

/** Compares without stopping at the first difference, so timing does not leak the signature. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
