import { serve } from '@hono/node-server';
import { createApp } from './app';
import { startControlServer } from './cli/control-socket';
import { closeDeps, createDeps } from './boot';
import { ConfigError, loadEnv } from './config/env';
import { startInboundListener } from './jobs/inbound-listener';
import { ALL_JOBS } from './jobs/registry';
import { createLogger } from './platform/logger';

/** Node entry point: HTTP server and job workers in one process. */
async function main() {
  let env;
  try {
    env = loadEnv();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nMimamori did not start. Fix the settings above (see README: Configuration).\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger({ level: env.LOG_LEVEL });
  const deps = await createDeps(env, { logger });
  const app = createApp(deps);
  if (env.WORKERS === 'on') deps.jobs.startWorkers(deps);
  // Events stored by another intake (the Cloudflare Worker) are enqueued as they commit.
  const inboundListener = env.WORKERS === 'on' ? await startInboundListener(deps, ALL_JOBS) : null;
  // With the embedded database, CLI commands run in this process (PGlite has one owner).
  const controlServer = env.DATABASE_URL ? null : await startControlServer(env, deps);
  const server = serve({ fetch: app.fetch, port: env.PORT }, (info) => {
    logger.info({ port: info.port }, `Mimamori listening on http://localhost:${info.port}`);
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new requests, letting running jobs finish');
    server.close();
    controlServer?.close();
    await inboundListener?.close();
    await closeDeps(deps);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`Mimamori failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
