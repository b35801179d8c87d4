import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { QUEUES_BOARD_PATH, createQueuesBoardRoutes } from './admin/queues-board';
import { createAdminRoutes } from './admin/routes';
import { createLineWebhookRoutes } from './bot/line/webhook-routes';
import { createTwilioSmsRoutes } from './bot/sms/routes';
import { createTwilioStatusRoutes } from './bot/twilio/status-routes';
import { createTwilioVoiceRoutes } from './bot/voice/routes';
import { createWebCheckRoutes } from './bot/web/routes';
import type { Deps } from './deps';
import { accessLog } from './platform/http/access-log';
import { errorHandler } from './platform/http/errors';
import { createHealthRoutes } from './platform/http/health';

/**
 * The one Hono app, composed from routers. Each router is a factory taking the deps.
 */
export function createApp(deps: Deps) {
  const app = new Hono();
  app.use('*', requestId());
  app.use('*', accessLog(deps.logger));
  app.onError(errorHandler(deps.logger));
  app.route('/', createHealthRoutes(deps));
  app.route('/', createAdminRoutes(deps));
  app.route(QUEUES_BOARD_PATH, createQueuesBoardRoutes(deps)); // Bull Board, administrators only
  app.route('/c', createWebCheckRoutes(deps));
  app.route('/webhooks/line', createLineWebhookRoutes(deps));
  app.route('/webhooks/twilio/sms', createTwilioSmsRoutes(deps));
  app.route('/webhooks/twilio/voice', createTwilioVoiceRoutes(deps));
  app.route('/webhooks/twilio/status', createTwilioStatusRoutes(deps));
  return app;
}
