import { Hono } from 'hono';
import { senderKeyOf } from '../twilio/config';
import { createInboxWriter, type InboxWriter } from '../intake/inbox-writer';
import { twilioSignature, type TwilioVariables } from '../twilio/middleware';
import type { IntakeDeps } from '../intake/types';

export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * POST /webhooks/twilio/sms — inbox first: verify the signature, store the event under its
 * MessageSid, answer an empty <Response/> at the commit, enqueue `inbound.twilio_sms` after it (replies go out
 * through the REST API from the job). A database error answers 5xx so Twilio retries;
 * Redis being down does not matter (the sweeper enqueues unprocessed events). Never shed
 * under overload (unlike LINE): Twilio does not deliver an inbound SMS again.
 */
export function createTwilioSmsRoutes(deps: IntakeDeps, inbox: InboxWriter = createInboxWriter(deps.db, deps.jobs)) {
  const app = new Hono<{ Variables: TwilioVariables }>();
  app.post('/', twilioSignature(deps.env), async (c) => {
    const p = c.get('twilioParams');
    const sid = p.MessageSid ?? p.SmsSid;
    if (!sid || !p.From) return c.json({ code: 'invalid_request', message: 'MessageSid and From are required' }, 400);
    // Stored before the 200, enqueued right after (a duplicate still unprocessed again, under the same job id).
    await inbox.store([{ provider: 'twilio_sms', providerEventId: sid, senderKey: await senderKeyOf(p.From), payload: p, receivedAt: deps.now() }]);
    return c.body(EMPTY_TWIML, 200, { 'content-type': 'text/xml; charset=utf-8' });
  });
  return app;
}
