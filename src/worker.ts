import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { createConsoleLogger } from './bot/intake/console-logger';
import { openEdgeDb } from '../db/edge-client';
import { createIntakeRoutes } from './bot/intake/routes';
import type { IntakeDeps, IntakeJobs } from './bot/intake/types';
import { ConfigError, envSchema, parseEnv } from './config/env';
import { accessLog } from './platform/http/access-log';
import { errorHandler } from './platform/http/errors';

/**
 * Cloudflare Workers entry (issue 10): the LINE, SMS and status webhooks at the edge, so
 * providers get their 2xx while the Node servers deploy, restart or are overloaded. It
 * serves the same router as the Node app (src/bot/intake/routes.ts): verify the signature
 * with Web Crypto, store the event in inbound_events through Hyperdrive, answer. There is
 * no Redis here; the insert trigger's NOTIFY reaches the Node side's inbound listener,
 * and the sweeper catches anything a listener missed. Configured by wrangler.toml.
 * Never import Node-only modules (bullmq, ioredis, argon2, pino, PGlite) from this graph:
 * tests/worker checks the bundle.
 */

/** The Hyperdrive binding: a connection string to Cloudflare's pool in front of PostgreSQL. */
interface HyperdriveBinding {
  connectionString: string;
}

export interface WorkerBindings {
  HYPERDRIVE?: HyperdriveBinding;
  [name: string]: unknown;
}

interface WorkerExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

/** Nothing to enqueue at the edge: the NOTIFY trigger tells Node (src/jobs/inbound-listener.ts). */
const notifyInsteadOfQueue: IntakeJobs = {
  trigger: async () => false,
  triggerBulk: async () => false,
};

/** The app one request sees: request id, access log, the one error handler, the intake. */
export function createWorkerApp(deps: IntakeDeps) {
  const app = new Hono();
  app.use('*', requestId());
  app.use('*', accessLog(deps.logger));
  app.onError(errorHandler(deps.logger));
  app.get('/healthz', (c) => c.json({ ok: true, runtime: 'workers' }));
  app.route('/', createIntakeRoutes(deps));
  app.notFound((c) => c.json({ code: 'not_found', message: 'This address serves only the LINE and Twilio webhooks' }, 404));
  return app;
}

/** Settings from the bindings (vars and secrets), validated per request like on Node at boot. */
function settingsOf(bindings: WorkerBindings): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(bindings)) if (typeof value === 'string') out[name] = value;
  return out;
}

const LOG_LEVEL = envSchema.shape.LOG_LEVEL;

export default {
  async fetch(request: Request, bindings: WorkerBindings, ctx: WorkerExecutionContext): Promise<Response> {
    const level = LOG_LEVEL.safeParse(bindings.LOG_LEVEL);
    const logger = createConsoleLogger(level.success ? level.data : 'info');
    let env;
    try {
      env = parseEnv(settingsOf(bindings));
      if (!bindings.HYPERDRIVE?.connectionString) throw new ConfigError([{ variable: 'HYPERDRIVE', message: 'the Hyperdrive binding is missing (wrangler.toml [[hyperdrive]])' }]);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      // 5xx: the provider delivers again once the settings are fixed; nothing is lost.
      logger.error({ variables: err.problems.map((p) => p.variable) }, err.message);
      return Response.json({ code: 'config_error', message: `The intake is misconfigured: ${err.problems.map((p) => p.variable).join(', ')}` }, { status: 500 });
    }
    const db = openEdgeDb(bindings.HYPERDRIVE.connectionString);
    try {
      const app = createWorkerApp({ env, db: db.db, logger, now: () => new Date(), jobs: notifyInsteadOfQueue });
      return await app.fetch(request);
    } finally {
      // Close after the response: the client connects lazily, so a 401 costs no connection.
      ctx.waitUntil(db.close());
    }
  },
};
