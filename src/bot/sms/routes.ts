import { Hono } from 'hono';
import { senderKeyOf } from '../twilio/config';
import { storeInboundEvent } from '../twilio/inbox';
import { twilioSignature, type TwilioVariables } from '../twilio/middleware';
import { inboundJobId, twilioSmsInboundTarget } from '../intake/inbound-jobs';
import type { IntakeDeps } from '../intake/types';

export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * POST /webhooks/twilio/sms — inbox first: verify the signature, store the event under its
 * MessageSid, enqueue `inbound.twilio_sms`, answer an empty <Response/> (replies go out
 * through the REST API from the job). A database error answers 5xx so Twilio retries;
 * Redis being down does not matter (the sweeper enqueues unprocessed events).
 */
export function createTwilioSmsRoutes(deps: IntakeDeps) {
  const app = new Hono<{ Variables: TwilioVariables }>();
  app.post('/', twilioSignature(deps.env), async (c) => {
    const p = c.get('twilioParams');
    const sid = p.MessageSid ?? p.SmsSid;
    if (!sid || !p.From) return c.json({ code: 'invalid_request', message: 'MessageSid and From are required' }, 400);
    const { id } = await storeInboundEvent(deps.db, {
      provider: 'twilio_sms',
      providerEventId: sid,
      senderKey: await senderKeyOf(p.From),
      payload: p,
      receivedAt: deps.now(),
    });
    // A duplicate is enqueued again under the same job id: a no-op if it is done.
    await deps.jobs.trigger(twilioSmsInboundTarget, { eventId: id }, { jobId: inboundJobId(id) });
    return c.body(EMPTY_TWIML, 200, { 'content-type': 'text/xml; charset=utf-8' });
  });
  return app;
}
