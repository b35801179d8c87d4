import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
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
  return app;
}
