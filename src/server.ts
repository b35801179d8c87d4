import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from './app';
import { startControlServer } from './cli/control-socket';
import { closeConnections, createDeps } from './boot';
import { ConfigError, loadEnv } from './config/env';
import { startEscalationListener } from './jobs/escalation-listener';
import { startInboundListener } from './jobs/inbound-listener';
import { ALL_JOBS } from './jobs/registry';
import { closeHttpServer } from './platform/http/drain';
import { createLogger } from './platform/logger';
import { startMetricsServer } from './ops/metrics-server';
import { consoleUrl, logProviderSettings } from './platform/provider-settings';

/** Node entry point: HTTP server and job workers in one process. */
async function main() {
  const env = loadEnv();
  const logger = createLogger({ level: env.LOG_LEVEL });
  const stopping = new AbortController();
  const deps = await createDeps(env, { logger, stopping: stopping.signal });
  const app = createApp(deps);
  logProviderSettings(env, logger);
  if (env.WORKERS === 'on') deps.jobs.startWorkers(deps);
  // Events stored by another intake (the Cloudflare Worker) are enqueued as they commit.
  const inboundListener = env.WORKERS === 'on' ? await startInboundListener(deps) : null;
  // A page's call busy or unanswered: the next person is paged at once, not at the next tick.
  const escalationListener = env.WORKERS === 'on' ? await startEscalationListener(deps) : null;
  // With the embedded database, CLI commands run in this process (PGlite has one owner).
  const controlServer = env.DATABASE_URL ? null : await startControlServer(env, deps);
  const metricsServer = await startMetricsServer(deps); // METRICS_PORT: Prometheus and the operators' /readyz
  const server = serve({ fetch: app.fetch, port: env.PORT }, (info) => {
    logger.info({ port: info.port }, `Mimamori listening on http://localhost:${info.port} — staff console: ${consoleUrl(env, info.port)}`);
  }) as Server;

  /**
   * SIGTERM: stop accepting, end the SSE streams, then wait (bounded) for the requests in
   * flight and the running jobs together (a request may still enqueue work, a job may
   * still write); only then close Redis and the database pool, and exit.
   */
  const shutdown = async (signal: string) => {
    if (stopping.signal.aborted) return;
    logger.info({ signal }, 'shutting down: no new requests, letting running requests and jobs finish');
    stopping.abort();
    controlServer?.close();
    metricsServer?.close();
    const graceMs = env.SHUTDOWN_GRACE_MS;
    await Promise.all([closeHttpServer(server, { graceMs, logger }), deps.jobs.close(graceMs), inboundListener?.close(), escalationListener?.close()]);
    await closeConnections(deps);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\nMimamori did not start. Fix the settings above (see README: Configuration).\n`);
    process.exit(78); // EX_CONFIG
  }
  process.stderr.write(`Mimamori failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
