import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { twilioSignature, type TwilioVariables } from '../twilio/middleware';
import { handleCallIn } from './call-in';
import { handleSessionStep } from './handle-call';
import { renderTurn } from './twiml';

const query = z.object({ s: z.uuid().optional(), n: z.coerce.number().int().min(0).max(1000).optional() });

/** An answering machine or fax picked up (MachineDetection=Enable): hang up; the status callback counts it as no answer. */
export function isMachine(answeredBy: string | undefined): boolean {
  return !!answeredBy && (answeredBy.startsWith('machine') || answeredBy === 'fax');
}

/**
 * POST /webhooks/twilio/voice — the one synchronous channel: Twilio waits for the next
 * TwiML, so the check is advanced in the request (one transaction, a few queries).
 * `?s=<session>&n=<step>` for calls we placed and every Gather; no `s` is a patient
 * calling in. Bad query parameters answer 400 (they come from our own URLs, so only a
 * forged or mangled request has them).
 */
export function createTwilioVoiceRoutes(deps: Deps) {
  const app = new Hono<{ Variables: TwilioVariables }>();
  app.post('/', twilioSignature(deps.env), async (c) => {
    const q = query.safeParse({ s: c.req.query('s'), n: c.req.query('n') });
    if (!q.success) return c.json({ code: 'invalid_request', message: 's must be a check session id and n a step number' }, 400);
    const params = c.get('twilioParams');
    if (!params.CallSid) return c.json({ code: 'invalid_request', message: 'CallSid is required' }, 400);
    const xml = isMachine(params.AnsweredBy)
      ? renderTurn({ lang: 'ja', say: [] })
      : q.data.s
        ? await handleSessionStep(deps, params, q.data.s, q.data.n ?? 0)
        : await handleCallIn(deps, params);
    return c.body(xml, 200, { 'content-type': 'text/xml; charset=utf-8' });
  });
  return app;
}
