import { Hono } from 'hono';
import { createLineWebhookRoutes } from '../line/webhook-routes';
import { createTwilioSmsRoutes } from '../sms/routes';
import { createTwilioStatusRoutes } from '../twilio/status-routes';
import { createInboxWriter } from './inbox-writer';
import type { IntakeDeps } from './types';

/**
 * The provider-facing intake: verify, store in inbound_events, answer at once. The Node
 * app (src/app.ts) and the Workers entry (src/worker.ts) both mount this one router, so
 * the intake logic exists once. Voice is not here: Twilio waits for the next TwiML, which
 * needs the engine synchronously, so it stays on Node.
 */
export function createIntakeRoutes(deps: IntakeDeps) {
  const app = new Hono();
  // One inbox writer for the three: their events share the group commits, and the overload
  // gate counts what they add to the backlog until it reads it again.
  const inbox = createInboxWriter(deps.db, deps.jobs, { onStored: (n) => deps.inboxGate?.stored(n) });
  app.route('/webhooks/line', createLineWebhookRoutes(deps, inbox));
  app.route('/webhooks/twilio/sms', createTwilioSmsRoutes(deps, inbox));
  app.route('/webhooks/twilio/status', createTwilioStatusRoutes(deps, inbox));
  return app;
}
