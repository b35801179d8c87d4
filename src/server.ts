import { startControlServer } from './cli/control-socket';
import { closeConnections, createDeps, processRole, startRole } from './boot';
import { ConfigError, loadEnv } from './config/env';
import { createLogger } from './platform/logger';
import { startMetricsServer } from './ops/metrics-server';
import { consoleUrl, logProviderSettings } from './platform/provider-settings';

/** Node entry point: the HTTP app and/or the job workers, as MIMAMORI_ROLE says (default: both in one process). */
async function main() {
  const env = loadEnv();
  const logger = createLogger({ level: env.LOG_LEVEL });
  const stopping = new AbortController();
  const deps = await createDeps(env, { logger, stopping: stopping.signal });
  const role = processRole(env);
  logProviderSettings(env, logger);
  // MIMAMORI_ROLE: intake (the app, no workers), workers (jobs and the tick, health only on PORT) or all.
  const running = await startRole(deps, role);
  // With the embedded database, CLI commands run in this process (PGlite has one owner).
  const controlServer = env.DATABASE_URL ? null : await startControlServer(env, deps);
  const metricsServer = await startMetricsServer(deps); // METRICS_PORT: Prometheus and the operators' /readyz
  const port = (running.server?.address() as { port?: number } | null)?.port ?? env.PORT;
  if (role === 'workers') logger.info({ port, role }, `Mimamori job workers running (role workers); health on http://localhost:${port}/healthz`);
  else logger.info({ port, role }, `Mimamori listening on http://localhost:${port} (role ${role}) — staff console: ${consoleUrl(env, port)}`);

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
    await running.stop(env.SHUTDOWN_GRACE_MS);
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
