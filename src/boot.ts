import { createDb, migrateDb, type DbHandle } from '../db/client';
import { ensureReferenceData } from '../db/seed/reference-data';
import { ensureDefaultFlows } from './domain/flows/ensure-default-flows';
import { ConfigError, type Env } from './config/env';
import { queuePrefix } from './config/queue-prefix';
import type { Deps } from './deps';
import { systemActor, withTransaction } from './domain/context';
import { ValidationError } from './domain/errors';
import { countStaff, ensureFirstAdmin } from './domain/staff/ensure-admin';
import { ALL_JOBS } from './jobs/registry';
import { botChannelWork } from './bot/channel-work';
import { JobRunner } from './jobs/runner';
import { createLogger, type Logger } from './platform/logger';
import { createMailer } from './platform/mail';
import { createRedis } from './platform/redis';
import { warnOnRedisPolicy } from './platform/redis-policy';
import { warnOnAuditLogRole } from './domain/audit-log/audit-log-role';
import { insecureCookieWarning } from './admin/auth/cookies';
import { persistedSecret } from './platform/security/persisted-secret';
import { sealLegacyTotpSecrets } from './domain/staff/seal-totp-secrets';

/** Open the database (PGlite when DATABASE_URL is unset), apply migrations and reference data. */
export async function openDatabase(env: Env, logger: Logger): Promise<DbHandle> {
  const handle = await createDb({ url: env.DATABASE_URL, dataDir: env.DATA_DIR });
  await migrateDb(handle);
  await ensureReferenceData(handle.db);
  await ensureDefaultFlows(handle.db);
  logger.info({ database: handle.kind }, handle.kind === 'pglite' ? `embedded PostgreSQL (PGlite) in ${env.DATA_DIR}` : 'PostgreSQL connected; migrations applied');
  return handle;
}

/**
 * APP_SECRET unset (production refuses to start without it: env.ts): use the installation's
 * own random secret from DATA_DIR, made on the first start, and say so.
 */
function useAppSecret(env: Env, logger: Logger): void {
  if (env.APP_SECRET) return;
  const { secret, path, created } = persistedSecret(env.DATA_DIR);
  env.APP_SECRET = secret;
  logger.info(
    { setting: 'APP_SECRET', file: path },
    created ? `APP_SECRET is not set: generated a random secret and saved it in ${path} (keep this file; set APP_SECRET to share one secret between machines)` : `APP_SECRET is not set: using the secret saved in ${path}`,
  );
}

/** Build everything the app, workers and CLI share. Nothing here runs at import time. */
export async function createDeps(env: Env, opts: { logger?: Logger; queuePrefix?: string; now?: () => Date; stopping?: AbortSignal } = {}): Promise<Deps> {
  const logger = opts.logger ?? createLogger({ level: env.LOG_LEVEL });
  useAppSecret(env, logger);
  const cookieWarning = insecureCookieWarning(env);
  if (cookieWarning) logger.warn({ setting: 'NODE_ENV' }, cookieWarning);
  const dbHandle = await openDatabase(env, logger);
  const sealed = await sealLegacyTotpSecrets(dbHandle.db, env);
  if (sealed) logger.info({ sealed }, `encrypted ${sealed} stored TOTP secret(s) that were kept in plain text`);
  await warnOnAuditLogRole(dbHandle, logger, env.NODE_ENV === 'production');
  const redis = createRedis(env.REDIS_URL, logger, { role: 'app' });
  warnOnRedisPolicy(redis, logger, env.NODE_ENV === 'production');
  const jobs = new JobRunner({ redis, redisUrl: env.REDIS_URL, prefix: opts.queuePrefix ?? queuePrefix(env), logger, jobs: ALL_JOBS });
  const mailer = createMailer({ url: env.SMTP_URL, from: env.MAIL_FROM }, logger);
  const deps: Deps = { env, db: dbHandle.db, dbHandle, redis, jobs, logger, mailer, channels: botChannelWork, now: opts.now ?? (() => new Date()), stopping: opts.stopping };
  await createFirstAdmin(deps);
  return deps;
}

// The settings a refused first administrator's field came from.
const ADMIN_SETTING: Record<string, string> = { email: 'ADMIN_EMAIL', password: 'ADMIN_PASSWORD', centreCode: 'ADMIN_CENTRE_CODE' };

/** Said at start while no staff user exists and ADMIN_EMAIL is unset: how to get the first one. */
export const FIRST_USER_HINT =
  'No staff user yet. Create the first administrator: restart with ADMIN_EMAIL and ADMIN_PASSWORD (and ADMIN_CENTRE_CODE + ADMIN_CENTRE_NAME for a health centre administrator who sees names), ' +
  'or run: npm run cli -- create-staff --email you@example.jp --name 管理者 --role national_officer --jurisdiction JP';

/** Said when the first administrator is a national officer. */
export const NATIONAL_ADMIN_NOTE =
  'created the first national administrator from ADMIN_EMAIL. A national officer\'s lists, alert queue and exports hide names and phones (pseudonymous); ' +
  'to start with a health centre administrator who sees them, set ADMIN_CENTRE_CODE and ADMIN_CENTRE_NAME on the first start instead (README: First start)';

/** ADMIN_EMAIL + ADMIN_PASSWORD on a database without staff: a refused value stops start-up naming its setting. */
async function createFirstAdmin(deps: Deps): Promise<void> {
  const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password, ADMIN_CENTRE_CODE: code, ADMIN_CENTRE_NAME: nameJa } = deps.env;
  const run = <T>(fn: Parameters<typeof withTransaction<T>>[2]) => withTransaction(deps.db, { actor: systemActor('bootstrap'), now: deps.now() }, fn);
  if (!email || !password) {
    if ((await run((ctx) => countStaff(ctx))) === 0) deps.logger.warn(FIRST_USER_HINT);
    return;
  }
  try {
    const result = await run((ctx) => ensureFirstAdmin(ctx, email, password, code && nameJa ? { code, nameJa } : undefined));
    if (result.created && result.role === 'national_officer') deps.logger.warn(NATIONAL_ADMIN_NOTE);
    if (result.created && result.role === 'centre_admin') deps.logger.info({ centre: code }, 'created the first administrator, of the health centre ADMIN_CENTRE_CODE, from ADMIN_EMAIL');
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    await closeConnections(deps);
    throw new ConfigError(err.fields.map((f) => ({ variable: ADMIN_SETTING[f.field] ?? 'ADMIN_EMAIL', message: f.message })));
  }
}

/** Close in order: workers (let running jobs finish), Redis, then the database pool. */
export async function closeDeps(deps: Deps): Promise<void> {
  await deps.jobs.close();
  await closeConnections(deps);
}

/** Redis, then the database pool: last, once nothing (no job, no request) can use them. */
export async function closeConnections(deps: Deps): Promise<void> {
  deps.mailer?.close();
  deps.redis.disconnect();
  await deps.dbHandle.close();
}
