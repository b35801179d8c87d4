import type { Server } from 'node:http';
import { Hono } from 'hono';
import { createDb, migrateDb, ping, type DbHandle } from '../db/client';
import { countInboxBacklog } from './domain/operations/inbox-backlog';
import { startEscalationListener, type EscalationListener } from './jobs/escalation-listener';
import { startInboundListener, type InboundListener } from './jobs/inbound-listener';
import { queuesOfGroups, URGENT_POOL_SIZE } from './jobs/queue-settings';
import { BacklogGate } from './platform/backlog-gate';
import { closeHttpServer } from './platform/http/drain';
import { listenHttp } from './platform/http/listen';
import { createHealthRoutes } from './platform/http/health';
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
import { watchFhirClientRevocations } from './domain/fhir/client-revocations';
import { watchFlowPublications } from './domain/flows/flow-versions';

/** Open the database (PGlite when DATABASE_URL is unset), apply migrations and reference data. */
export async function openDatabase(env: Env, logger: Logger): Promise<DbHandle> {
  const handle = await createDb({ url: env.DATABASE_URL, dataDir: env.DATA_DIR, max: env.DATABASE_POOL_SIZE });
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
  // New sessions start on the newest published flow version, kept per process: a publish in any process reaches this one.
  await watchFlowPublications(dbHandle, (err) => logger.warn({ err: { message: err.message } }, 'flow publication listener failed; a newly published flow version is used here within a minute'));
  // A revoked FHIR client's cached tokens stop working in every process at once.
  await watchFhirClientRevocations(dbHandle, (err) => logger.warn({ err: { message: err.message } }, 'FHIR client revocation listener failed; a revoked client\'s token held here works until it is looked up again (at most 30 s)'));
  const sealed = await sealLegacyTotpSecrets(dbHandle.db, env);
  if (sealed) logger.info({ sealed }, `encrypted ${sealed} stored TOTP secret(s) that were kept in plain text`);
  await warnOnAuditLogRole(dbHandle, logger, env.NODE_ENV === 'production');
  const redis = createRedis(env.REDIS_URL, logger, { role: 'app' });
  warnOnRedisPolicy(redis, logger, env.NODE_ENV === 'production');
  const jobs = new JobRunner({ redis, redisUrl: env.REDIS_URL, prefix: opts.queuePrefix ?? queuePrefix(env), logger, jobs: ALL_JOBS });
  const mailer = createMailer({ url: env.SMTP_URL, from: env.MAIL_FROM }, logger);
  const now = opts.now ?? (() => new Date());
  const inboxGate = createInboxGate(env, dbHandle.db, logger, now);
  const deps: Deps = { env, db: dbHandle.db, dbHandle, redis, jobs, logger, mailer, channels: botChannelWork, now, stopping: opts.stopping, inboxGate };
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
  deps.inboxGate?.stop();
  deps.mailer?.close();
  deps.redis.disconnect();
  await deps.dbHandle.close();
}

/** The overload gate over the inbox backlog (INBOX_BACKLOG_LIMIT …); an intake process starts it. */
export function createInboxGate(env: Env, db: DbHandle['db'], logger: Logger, now: () => Date): BacklogGate {
  return new BacklogGate({
    read: () => countInboxBacklog(db, now()),
    limit: env.INBOX_BACKLOG_LIMIT,
    maxAgeSeconds: env.INBOX_BACKLOG_MAX_AGE_SECONDS,
    retryAfterSeconds: env.INBOX_RETRY_AFTER_SECONDS,
    logger,
  });
}

export type Role = Env['MIMAMORI_ROLE'];

/** The role this process runs: MIMAMORI_ROLE, where the older `WORKERS=off` on `all` means intake. */
export function processRole(env: Env): Role {
  return env.MIMAMORI_ROLE === 'all' && env.WORKERS === 'off' ? 'intake' : env.MIMAMORI_ROLE;
}

export interface RunningRole {
  role: Role;
  /** The HTTP server on PORT: the app (intake, all) or only /healthz and /readyz (workers). */
  server: Server | null;
  /** Stop accepting, let requests in flight and running jobs finish (bounded by graceMs). Connections stay open. */
  stop(graceMs: number): Promise<void>;
}

/**
 * Start what a role runs (README: Production topology) on deps built by createDeps:
 * - intake: the public app on PORT (webhooks, console, API, FHIR) and the overload gate;
 *   no job worker, no tick, no inbound listener. Jobs are only enqueued.
 * - workers: the job workers of WORKER_GROUPS (the answers with their own database pool,
 *   ANSWER_POOL_SIZE), the tick, the inbound listener; on PORT only /healthz and /readyz.
 * - all: both in one process (`npm start`).
 * `listen: false` starts no HTTP server (tests compose roles in one process).
 */
export async function startRole(deps: Deps, role: Role, opts: { listen?: boolean } = {}): Promise<RunningRole> {
  const { env, logger } = deps;
  const intake = role !== 'workers';
  const workers = role !== 'intake';
  let answerPool: DbHandle | null = null;
  let urgentPool: DbHandle | null = null;
  let inboundListener: InboundListener | null = null;
  let escalationListener: EscalationListener | null = null;
  if (workers) {
    const groups = env.WORKER_GROUPS;
    // Connections of their own for the answers: a round's dispatch cannot take them all.
    // And a red answer (the urgent lane) has its own few, so it never waits for the others' to free up.
    if (groups.includes('answers') && env.ANSWER_POOL_SIZE > 0 && deps.dbHandle.kind === 'postgres' && env.DATABASE_URL) {
      answerPool = await createDb({ url: env.DATABASE_URL, max: env.ANSWER_POOL_SIZE });
      urgentPool = await createDb({ url: env.DATABASE_URL, max: URGENT_POOL_SIZE });
    }
    const withPool = (pool: DbHandle): Deps => ({ ...deps, db: pool.db, dbHandle: pool });
    const answerDeps = answerPool && withPool(answerPool);
    const depsFor = answerDeps && urgentPool ? { inbound: answerDeps, 'inbound-twilio': answerDeps, 'inbound-urgent': withPool(urgentPool) } : {};
    deps.jobs.startWorkers(deps, { queues: queuesOfGroups(groups), depsFor });
    // Events stored by another intake (the Cloudflare Worker) are enqueued as they commit.
    if (groups.includes('answers')) inboundListener = await startInboundListener(deps);
    // A page's call busy or unanswered: the next person is paged at once, not at the next tick.
    escalationListener = await startEscalationListener(deps);
    logger.info({ role, groups, answerPool: env.ANSWER_POOL_SIZE && answerPool ? env.ANSWER_POOL_SIZE : 0 }, `job workers started for ${groups.join(', ')}`);
  }
  if (intake) deps.inboxGate?.start();
  let server: Server | null = null;
  if (opts.listen !== false) {
    // Loaded here, not at the top: the CLI builds its deps through this file without the app.
    const app = intake ? (await import('./app')).createApp(deps) : workerHealthApp(deps);
    server = await listenHttp(app.fetch, { port: env.PORT, backlog: env.HTTP_LISTEN_BACKLOG, keepAliveSeconds: env.HTTP_KEEP_ALIVE_SECONDS });
  }
  return {
    role,
    server,
    async stop(graceMs: number) {
      deps.inboxGate?.stop();
      await Promise.all([server ? closeHttpServer(server, { graceMs, logger }) : undefined, deps.jobs.close(graceMs), inboundListener?.close(), escalationListener?.close()]);
      await Promise.all([answerPool?.close(), urgentPool?.close()]);
    },
  };
}

/** A worker process's PORT: whether it is up and reaches PostgreSQL and Redis; nothing else. */
function workerHealthApp(deps: Deps) {
  const app = new Hono();
  app.route('/', createHealthRoutes({ pingDatabase: () => ping(deps.db), redis: deps.redis }));
  app.notFound((c) => c.json({ code: 'not_found', message: 'this is a worker process (MIMAMORI_ROLE=workers): the app is served by the intake processes' }, 404));
  return app;
}
