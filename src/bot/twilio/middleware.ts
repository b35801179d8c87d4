import type { MiddlewareHandler } from 'hono';
import type { Env } from '../../config/env';
import { refuseOtherMediaType } from '../../platform/http/media-type';
import { twilioSettings } from './config';
import { verifyTwilioSignature, type TwilioParams } from './signature';

export type TwilioVariables = { twilioParams: Record<string, string> };

/** Twilio's forms are a few KB (an SMS body is at most 1,600 characters); anything far larger is not Twilio. */
export const TWILIO_BODY_LIMIT = 64 * 1024;

/** Form body to parameters; a repeated name keeps every value (Twilio signs them all). */
export function parseForm(body: string): TwilioParams {
  const out: TwilioParams = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/**
 * Checks X-Twilio-Signature against PUBLIC_BASE_URL + path (+ query) and the form
 * parameters. The URL is never taken from Host / X-Forwarded-Proto: behind a proxy those
 * are whatever the proxy says, while Twilio signed the public address. Rejects with 403
 * (a signed body that is not a form: 415) before anything is stored; answers 503 when Twilio is not configured. Unknown extra
 * parameters are fine (Twilio adds new ones over time); they are signed like the rest.
 */
export function twilioSignature(env: Env): MiddlewareHandler<{ Variables: TwilioVariables }> {
  return async (c, next) => {
    const settings = twilioSettings(env);
    if (!settings) {
      return c.json({ code: 'twilio_not_configured', message: 'Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER)' }, 503);
    }
    const tooLarge = () => c.json({ code: 'payload_too_large', message: `the body is larger than ${TWILIO_BODY_LIMIT} bytes` }, 413);
    if (Number(c.req.header('content-length') ?? 0) > TWILIO_BODY_LIMIT) return tooLarge();
    const body = await c.req.text();
    if (new TextEncoder().encode(body).length > TWILIO_BODY_LIMIT) return tooLarge();
    const requestUrl = new URL(c.req.url);
    const url = `${settings.publicBaseUrl}${requestUrl.pathname}${requestUrl.search}`;
    const params = parseForm(body);
    const ok = await verifyTwilioSignature(settings.authToken, url, params, c.req.header('x-twilio-signature'));
    if (!ok) return c.json({ code: 'invalid_signature', message: 'X-Twilio-Signature does not match' }, 403);
    // Twilio posts forms; a signed body of another type is not a Twilio request.
    const wrongType = refuseOtherMediaType(c, 'application/x-www-form-urlencoded');
    if (wrongType) return wrongType;
    // Handlers read single values; Twilio never repeats the parameters we use.
    const single: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) single[k] = Array.isArray(v) ? v[0]! : v;
    c.set('twilioParams', single);
    await next();
  };
}
