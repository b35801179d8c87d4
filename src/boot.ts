import { createDb, migrateDb, type DbHandle } from '../db/client';
import { ensureReferenceData } from '../db/seed/reference-data';
import { ensureDefaultFlows } from './domain/flows/ensure-default-flows';
import type { Env } from './config/env';
import type { Deps } from './deps';
import { systemActor, withTransaction } from './domain/context';
import { ensureFirstAdmin } from './domain/staff/ensure-admin';
import { ALL_JOBS } from './jobs/registry';
import { JobRunner } from './jobs/runner';
import { createLogger, type Logger } from './platform/logger';
import { createRedis } from './platform/redis';
import { warnOnRedisPolicy } from './platform/redis-policy';
import { warnOnAuditLogRole } from './platform/security/audit-log-role';
import { insecureCookieWarning } from './admin/auth/cookies';

/** Open the database (PGlite when DATABASE_URL is unset), apply migrations and reference data. */
export async function openDatabase(env: Env, logger: Logger): Promise<DbHandle> {
  const handle = await createDb({ url: env.DATABASE_URL, dataDir: env.DATA_DIR });
  await migrateDb(handle);
  await ensureReferenceData(handle.db);
  await ensureDefaultFlows(handle.db);
  logger.info({ database: handle.kind }, handle.kind === 'pglite' ? `embedded PostgreSQL (PGlite) in ${env.DATA_DIR}` : 'PostgreSQL connected; migrations applied');
  return handle;
}

/** Build everything the app, workers and CLI share. Nothing here runs at import time. */
export async function createDeps(env: Env, opts: { logger?: Logger; queuePrefix?: string; now?: () => Date } = {}): Promise<Deps> {
  const logger = opts.logger ?? createLogger({ level: env.LOG_LEVEL });
  const cookieWarning = insecureCookieWarning(env);
  if (cookieWarning) logger.warn({ setting: 'NODE_ENV' }, cookieWarning);
  const dbHandle = await openDatabase(env, logger);
  await warnOnAuditLogRole(dbHandle, logger, env.NODE_ENV === 'production');
  const redis = createRedis(env.REDIS_URL, logger, { role: 'app' });
  warnOnRedisPolicy(redis, logger, env.NODE_ENV === 'production');
  const jobs = new JobRunner({ redis, redisUrl: env.REDIS_URL, prefix: opts.queuePrefix ?? 'mimamori', logger, jobs: ALL_JOBS });
  const deps: Deps = { env, db: dbHandle.db, dbHandle, redis, jobs, logger, now: opts.now ?? (() => new Date()) };
  if (env.ADMIN_EMAIL && env.ADMIN_PASSWORD) {
    const { created } = await withTransaction(deps.db, { actor: systemActor('bootstrap'), now: deps.now() }, (ctx) =>
      ensureFirstAdmin(ctx, env.ADMIN_EMAIL!, env.ADMIN_PASSWORD!),
    );
    if (created) logger.info('created the first national administrator from ADMIN_EMAIL');
  }
  return deps;
}

/** Close in order: workers (let running jobs finish), Redis, then the database pool. */
export async function closeDeps(deps: Deps): Promise<void> {
  await deps.jobs.close();
  deps.redis.disconnect();
  await deps.dbHandle.close();
}
