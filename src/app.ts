import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { QUEUES_BOARD_PATH, createQueuesBoardRoutes } from './admin/queues-board';
import { resolveClientAddress } from './admin/auth/request-info';
import { createAdminRoutes } from './admin/routes';
import { createIntakeRoutes } from './bot/intake/routes';
import { createTwilioVoiceRoutes } from './bot/voice/routes';
import { createWebCheckRoutes } from './bot/web/routes';
import type { Deps } from './deps';
import { createFhirRoutes } from './fhir/routes';
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
  app.use('*', resolveClientAddress(deps.env.TRUSTED_PROXIES)); // X-Forwarded-For only from TRUSTED_PROXIES
  app.onError(errorHandler(deps.logger));
  app.route('/', createHealthRoutes(deps));
  app.route('/', createAdminRoutes(deps));
  app.route(QUEUES_BOARD_PATH, createQueuesBoardRoutes(deps)); // Bull Board, administrators only
  app.route('/c', createWebCheckRoutes(deps));
  // LINE, SMS and status webhooks: the same router the Workers entry serves (src/worker.ts).
  app.route('/', createIntakeRoutes(deps));
  app.route('/webhooks/twilio/voice', createTwilioVoiceRoutes(deps));
  app.route('/', createFhirRoutes(deps)); // FHIR R4 + SMART Backend Services (src/fhir)
  return app;
}
