import { Hono } from 'hono';
import { ping } from '../db/client';
import { requestId } from 'hono/request-id';
import { QUEUES_BOARD_PATH, createQueuesBoardRoutes } from './admin/queues-board';
import { resolveClientAddress } from './admin/auth/request-info';
import { createAdminRoutes } from './admin/routes';
import { createIntakeRoutes } from './bot/intake/routes';
import { createTwilioPageRoutes } from './bot/twilio/page-routes';
import { createTwilioVoiceRoutes } from './bot/voice/routes';
import { createWebCheckRoutes } from './bot/web/routes';
import { createFacilityRoundRoutes } from './bot/web/facility-routes';
import { createCertificatePublicRoutes } from './bot/web/certificate-routes';
import type { Deps } from './deps';
import { createFhirRoutes } from './fhir/routes';
import { accessLog } from './platform/http/access-log';
import { bodyLimits, type BodyLimitRule } from './platform/http/body-limits';
import { errorHandler } from './platform/http/errors';
import { createHealthRoutes } from './platform/http/health';
import { httpMetrics } from './ops/http-metrics';
import { httpTracing } from './ops/http-tracing';

/**
 * Every route's request-body limit (README: Reliability and security): sign-in forms are
 * tiny, uploads (person imports, CSV invitations) get UPLOAD_LIMIT_MB, everything else
 * BODY_LIMIT_KB. Add a line here for a new upload route.
 */
export function routeBodyLimits(env: Deps['env']): BodyLimitRule[] {
  const upload = env.UPLOAD_LIMIT_MB * 1024 * 1024;
  return [
    { prefix: '/admin/login', maxBytes: 16 * 1024 },
    { prefix: '/admin/enrol', maxBytes: 16 * 1024 },
    { prefix: '/api/v1/imports', maxBytes: upload },
    { prefix: '/admin/imports', maxBytes: upload },
    { prefix: '/api/v1/staff/invitations', maxBytes: upload },
    { prefix: '/admin/staff/invitations', maxBytes: upload },
    { prefix: '/f/', maxBytes: 256 * 1024 }, // a facility's round page: a row per resident
  ];
}

/**
 * The one Hono app, composed from routers. Each router is a factory taking the deps.
 */
export function createApp(deps: Deps) {
  const app = new Hono();
  app.use('*', requestId());
  app.use('*', accessLog(deps.logger));
  app.use('*', httpMetrics()); // latency per route group (METRICS_PORT)
  app.use('*', httpTracing()); // a span per request when tracing is on (OTEL_EXPORTER_OTLP_ENDPOINT)
  app.use('*', resolveClientAddress(deps.env.TRUSTED_PROXIES)); // X-Forwarded-For only from TRUSTED_PROXIES
  app.use('*', bodyLimits(routeBodyLimits(deps.env), deps.env.BODY_LIMIT_KB * 1024));
  app.onError(errorHandler(deps.logger));
  app.route('/', createHealthRoutes({ pingDatabase: () => ping(deps.db), redis: deps.redis }));
  app.get('/', (c) => c.redirect('/admin')); // the staff console is what a person opening the bare address wants
  app.route('/', createAdminRoutes(deps));
  app.route(QUEUES_BOARD_PATH, createQueuesBoardRoutes(deps)); // Bull Board, administrators only
  app.route('/', createCertificatePublicRoutes(deps)); // /verify/<id>, certificate downloads (before /c/<token>)
  app.route('/c', createWebCheckRoutes(deps));
  app.route('/f', createFacilityRoundRoutes(deps)); // 施設一括報告: a facility's round page (signed link)
  // LINE, SMS and status webhooks: the same router the Workers entry serves (src/worker.ts).
  app.route('/', createIntakeRoutes(deps));
  app.route('/webhooks/twilio/voice', createTwilioVoiceRoutes(deps));
  app.route('/webhooks/twilio/page', createTwilioPageRoutes(deps)); // on-call staff pages
  app.route('/', createFhirRoutes(deps)); // FHIR R4 + SMART Backend Services (src/fhir)
  return app;
}
