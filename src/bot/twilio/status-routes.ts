import { Hono } from 'hono';
import { EMPTY_TWIML } from '../sms/routes';
import { senderKeyOf } from './config';
import { createInboxWriter, type InboxWriter } from '../intake/inbox-writer';
import { twilioSignature, type TwilioVariables } from './middleware';
import type { IntakeDeps } from '../intake/types';

/**
 * POST /webhooks/twilio/status — message and call status callbacks. Inbox first, keyed
 * by `${MessageSid|CallSid}:${Status}` (the same status twice is one event), ordered with
 * the patient's other Twilio events (sender key = the number we sent to). A valid
 * callback is always answered 2xx, even one about a message we do not know, so Twilio
 * does not retry it forever; only a database error answers 5xx.
 */
export function createTwilioStatusRoutes(deps: IntakeDeps, inbox: InboxWriter = createInboxWriter(deps.db, deps.jobs)) {
  const app = new Hono<{ Variables: TwilioVariables }>();
  app.post('/', twilioSignature(deps.env), async (c) => {
    const p = c.get('twilioParams');
    const sid = p.MessageSid ?? p.SmsSid ?? p.CallSid;
    const status = p.MessageStatus ?? p.SmsStatus ?? p.CallStatus;
    if (!sid || !status) return c.body(EMPTY_TWIML, 200, { 'content-type': 'text/xml; charset=utf-8' });
    const party = p.To ?? p.Called;
    await inbox.store([{ provider: 'twilio_status', providerEventId: `${sid}:${status}`, senderKey: party ? await senderKeyOf(party) : null, payload: p, receivedAt: deps.now() }]);
    return c.body(EMPTY_TWIML, 200, { 'content-type': 'text/xml; charset=utf-8' });
  });
  return app;
}
