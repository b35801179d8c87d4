import { z } from 'zod';
import { parseTrustedProxies } from '../platform/security/client-address';
import { parseRedisUrl, redisIsLocal, RedisUrlError, type RedisTarget } from '../platform/redis-target';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const url = (what: string) => z.url({ message: `must be a URL (${what})` });

/**
 * Every setting Mimamori reads, validated once. Nothing else reads process.env.
 * On Node this runs at boot (fail fast); on Workers per request from c.env.
 */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number({ message: 'must be a port number' }).int('must be a port number').min(1, 'must be a port number from 1 to 65535').max(65535, 'must be a port number from 1 to 65535').default(3000),
    // The accept queue of the HTTP port: Node's 511 overflowed when a webhook sender opened a
    // thousand connections at once (each dropped one retried after 1 s, 3 s …); the kernel caps it at somaxconn.
    HTTP_LISTEN_BACKLOG: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(65535, 'must be at most 65535').default(4096),
    // Idle keep-alive connections kept this long: past a load balancer's idle timeout (60 s on the common ones),
    // so it never reuses one the app is closing, and a sender is not made to open new ones (accepted one a turn).
    HTTP_KEEP_ALIVE_SECONDS: z.coerce.number({ message: 'must be seconds' }).int('must be whole seconds').min(1, 'must be at least 1').max(3600, 'must be at most 3600').default(65),
    PUBLIC_BASE_URL: url('the address LINE and Twilio call, e.g. https://mimamori.example.jp').default('http://localhost:3000'),
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// (leave it unset for the embedded PGlite)')
        .optional(),
    ),
    DATA_DIR: z.string().default('./.data'),
    // One Redis, a cluster or Sentinel: the forms are in redis-target.ts (parseRedisUrl).
    REDIS_URL: z
      .string()
      .default('redis://127.0.0.1:6379')
      .superRefine((value, ctx) => {
        try {
          parseRedisUrl(value);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: err instanceof RedisUrlError ? err.message : 'is not a Redis URL' });
        }
      }),
    // Reverse proxies / load balancers in front of the app (addresses or CIDRs, comma-separated).
    // X-Forwarded-For is believed only from these; none (the default): the socket address is the client.
    TRUSTED_PROXIES: z
      .string()
      .default('')
      .transform((spec, ctx) => {
        const { ranges, bad } = parseTrustedProxies(spec);
        if (bad.length) ctx.addIssue({ code: 'custom', message: `must be IP addresses or CIDR ranges such as 10.0.0.0/8 (not ${bad.join(', ')})` });
        return ranges;
      }),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LINE_CHANNEL_SECRET: optionalString,
    LINE_CHANNEL_ACCESS_TOKEN: optionalString,
    LINE_API_BASE_URL: url('the LINE Messaging API or a stand-in').default('https://api.line.me'),
    // The official account's basic ID (@xxxx): link-code QR codes open the chat with the code typed in.
    LINE_BOT_BASIC_ID: optionalString.pipe(z.string().regex(/^@[\w.-]+$/, 'must be the basic ID starting with @').optional()),
    TWILIO_ACCOUNT_SID: optionalString.pipe(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC followed by 32 hex digits').optional()),
    TWILIO_AUTH_TOKEN: optionalString,
    TWILIO_FROM_NUMBER: optionalString.pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +815012345678').optional()),
    TWILIO_API_BASE_URL: url('the Twilio REST API or a stand-in').default('https://api.twilio.com'),
    // Who unknown callers and SMS senders are told to call (e.g. a prefecture's 相談センター);
    // unset: the most local jurisdiction over every health centre that has a phone number.
    CONTACT_PHONE: optionalString.pipe(z.string().regex(/^\+?[0-9][0-9-]{4,19}$/, 'must be a phone number such as 03-1234-5678').optional()),
    CONTACT_NAME_JA: optionalString,
    CONTACT_NAME_EN: optionalString,
    ADMIN_EMAIL: optionalString.pipe(z.email({ message: 'must be an e-mail address' }).optional()),
    ADMIN_PASSWORD: optionalString.pipe(z.string().min(12, 'must be at least 12 characters').optional()),
    // With ADMIN_EMAIL: the first administrator runs this health centre (created under its prefecture if new) and sees names.
    ADMIN_CENTRE_CODE: optionalString.pipe(z.string().regex(/^\d{2}-[0-9A-Za-z-]{1,20}$/, 'must be a health centre code starting with its prefecture code, e.g. 13-104').optional()),
    ADMIN_CENTRE_NAME: optionalString,
    // BullMQ key prefix: two instances on one Redis need different ones. Unset: derived from the database (queuePrefix below).
    QUEUE_PREFIX: optionalString.pipe(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be letters, digits, _ . or - (at most 64)').optional()),
    // `npm run cli -- create-staff` reads the new user's password from here when set (scripts), never from a flag.
    STAFF_PASSWORD: z
      .string()
      .optional()
      .transform((v) => (v === '' ? undefined : v)), // not trimmed: spaces may be part of a password
    // Signs web check-in links and peppers link codes. Required in production; elsewhere, when unset,
    // a random secret is generated on the first start and kept in DATA_DIR/app-secret (src/boot.ts).
    APP_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    // Encrypts TOTP secrets at rest (AES-256-GCM); unset: derived from APP_SECRET. Changing it makes enrolled second factors unreadable.
    TOTP_ENCRYPTION_KEY: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    // API tokens: lifetime when none is asked for, and the longest that may be asked for (days).
    API_TOKEN_DAYS: z.coerce.number({ message: 'must be days' }).int('must be days').min(1, 'must be at least 1').default(90),
    API_TOKEN_MAX_DAYS: z.coerce.number({ message: 'must be days' }).int('must be days').min(1, 'must be at least 1').default(365),
    // LINE link codes: wrong codes from everyone together per hour before every entry waits (and an audit row alerts).
    LINK_CODE_FAILURES_PER_HOUR: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(10, 'must be at least 10').default(200),
    WORKERS: z.enum(['on', 'off']).default('on'),
    // Which part of the service this process runs (README: Production topology): intake = the public HTTP app
    // (webhooks, console, API) without job workers or the tick; workers = job workers and the tick (health and
    // metrics on METRICS_PORT) without the public app; all = both, as `npm start` runs by default.
    MIMAMORI_ROLE: z.enum(['intake', 'workers', 'all'], { message: 'must be intake, workers or all' }).default('all'),
    // Which queue groups a worker process serves: answers (inbound), rounds (tick, dispatch, reminders, outbox), bulk (imports, retention, exports).
    WORKER_GROUPS: z
      .string()
      .default('answers,rounds,bulk')
      .transform((v, ctx) => {
        const groups = [...new Set(v.split(',').map((g) => g.trim()).filter(Boolean))];
        const bad = groups.filter((g) => !['answers', 'rounds', 'bulk'].includes(g));
        if (bad.length || groups.length === 0) ctx.addIssue({ code: 'custom', message: 'must be a comma list of answers, rounds, bulk' });
        return groups as ('answers' | 'rounds' | 'bulk')[];
      }),
    // PostgreSQL connections of the process's main pool, and connections reserved for answer jobs in a worker
    // process (0: answers share the main pool) so a round's dispatch can never take every connection from them.
    DATABASE_POOL_SIZE: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(200, 'must be at most 200').default(10),
    ANSWER_POOL_SIZE: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(0, 'must be at least 0').max(200, 'must be at most 200').default(8),
    // Dispatch jobs (first prompts, reminders) run at once per channel queue by one worker process.
    DISPATCH_CONCURRENCY: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(256, 'must be at most 256').default(16),
    // Overload: past this many unprocessed inbox rows (or the oldest older than INBOX_BACKLOG_MAX_AGE_SECONDS, 0 = no age limit)
    // LINE webhooks are answered 503 with Retry-After (LINE delivers again); Twilio's are still stored.
    INBOX_BACKLOG_LIMIT: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').default(50_000),
    INBOX_BACKLOG_MAX_AGE_SECONDS: z.coerce.number({ message: 'must be seconds' }).int('must be whole seconds').min(0, 'must be at least 0').default(0),
    // Answers first: a round's dispatch and bulk jobs wait (at most ANSWERS_FIRST_MAX_HOLD_MS) while the oldest
    // unprocessed answer is older than this (0 = off), so the answers get the cores and the database.
    ANSWERS_FIRST_AFTER_MS: z.coerce.number({ message: 'must be milliseconds' }).int('must be milliseconds').min(0, 'must be at least 0').default(2000),
    ANSWERS_FIRST_MAX_HOLD_MS: z.coerce.number({ message: 'must be milliseconds' }).int('must be milliseconds').min(0, 'must be at least 0').default(60_000),
    INBOX_RETRY_AFTER_SECONDS: z.coerce.number({ message: 'must be seconds' }).int('must be whole seconds').min(1, 'must be at least 1').max(3600, 'must be at most 3600').default(10),
    // Request bodies: forms and JSON (every route without its own limit), and file uploads (imports, CSV invitations).
    BODY_LIMIT_KB: z.coerce.number({ message: 'must be kilobytes' }).int('must be kilobytes').min(16, 'must be at least 16').max(65_536, 'must be at most 65536').default(1024),
    UPLOAD_LIMIT_MB: z.coerce.number({ message: 'must be megabytes' }).int('must be megabytes').min(1, 'must be at least 1').max(512, 'must be at most 512').default(20),
    // Prometheus /metrics and the operators' /readyz on their own port (unset: off), bound to METRICS_HOST.
    METRICS_PORT: optionalString.pipe(z.coerce.number<string | undefined>({ message: 'must be a port number' }).int('must be a port number').min(1, 'must be a port number from 1 to 65535').max(65535, 'must be a port number from 1 to 65535').optional()),
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    // OpenTelemetry traces go to this OTLP/HTTP endpoint (unset: tracing off).
    OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(z.url({ message: 'must be a URL such as http://otel-collector:4318' }).optional()),
    // Answers (LINE, SMS) processed at once by one worker process.
    // Answers of different senders one inbound job takes in one transaction (1 = one sender a job, as before).
    INBOUND_BATCH_SIZE: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').default(50),
    INBOUND_CONCURRENCY: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(256, 'must be at most 256').default(32),
    // On SIGTERM, how long requests in flight and running jobs may take before they are cut (keep under the orchestrator's kill timeout).
    SHUTDOWN_GRACE_MS: z.coerce.number({ message: 'must be milliseconds' }).int('must be milliseconds').min(0, 'must be milliseconds').default(10_000),
    // Two-factor sign-in (TOTP) for every staff user (MHLW guideline), or only for prefecture and national officers.
    REQUIRE_TOTP_FOR: z.enum(['all', 'officers'], { message: 'must be all or officers' }).default('all'),
    // Rounds and dispatch (src/jobs): the tick, reminder chain, quiet hours and per-channel send limits.
    TICK_EVERY_MS: z.coerce.number({ message: 'must be milliseconds' }).int().min(1000).default(60_000),
    REMINDER_AFTER_MINUTES: z.coerce.number({ message: 'must be minutes' }).min(0).default(120),
    CALL_AFTER_REMINDER_MINUTES: z.coerce.number({ message: 'must be minutes' }).min(0).default(120),
    NON_RESPONDER_AFTER_CALL_MINUTES: z.coerce.number({ message: 'must be minutes' }).min(0).default(60),
    // A pending session whose dispatch job vanished (Redis down) is enqueued again after this long.
    // A round's sessions and multicast batches are prepared this long before the round time (delayed jobs), so at the
    // round time only sending remains; 0 = created at the round time. Who is registered, ended or paused meanwhile is
    // still right: a new person is prepared by the next tick, an ended or paused one is cancelled and not sent.
    ROUND_PREPARE_MINUTES: z.coerce.number({ message: 'must be minutes' }).min(0).max(60).default(5),
    DISPATCH_RESWEEP_MINUTES: z.coerce.number({ message: 'must be minutes' }).min(0.1).default(5),
    QUIET_HOURS: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'must be local times HH:MM-HH:MM, e.g. 21:00-08:00')
      .default('21:00-08:00'),
    // Per-queue BullMQ limiters, safely under each provider's limit (LINE: multicast 200/s, push 2,000/s).
    LINE_MULTICAST_PER_SECOND: z.coerce.number({ message: 'must be a number' }).int().min(1).default(150),
    LINE_PUSH_PER_SECOND: z.coerce.number({ message: 'must be a number' }).int().min(1).default(1500),
    // Twilio sends 1 segment/s per long code (a Japanese prompt is ~2 segments) and queues the
    // excess, late into quiet hours or dropped after 4 h: raise this only with a short code or
    // a Messaging Service (README: Configuration).
    SMS_PER_SECOND: z.coerce.number({ message: 'must be a number' }).int().min(1).default(1),
    CALLS_PER_SECOND: z.coerce.number({ message: 'must be a number' }).int().min(1).default(1),
    // Voice calls that are not answered (no-answer, busy, failed, answering machine) are tried again.
    CALL_RETRY_MINUTES: z.coerce.number({ message: 'must be minutes' }).min(1).default(30),
    CALL_MAX_ATTEMPTS: z.coerce.number({ message: 'must be a number' }).int().min(1).max(10).default(3),
    // The FHIR token endpoint (SMART Backend Services): requests a minute per client and per source address.
    FHIR_TOKEN_REQUESTS_PER_MINUTE: z.coerce.number({ message: 'must be a whole number' }).int().min(1).default(30),
    FHIR_TOKEN_REQUESTS_PER_MINUTE_PER_ADDRESS: z.coerce.number({ message: 'must be a whole number' }).int().min(1).default(120),
    // On-call paging (src/domain/escalation): a red alert nobody took is paged after this long,
    // an amber one only while the centre is open; each next person after ESCALATE_REPEAT_MINUTES.
    ESCALATE_RED_AFTER_MINUTES: z.coerce.number({ message: 'must be minutes' }).min(1).default(10),
    ESCALATE_AMBER_AFTER_MINUTES: z.coerce.number({ message: 'must be minutes' }).min(1).default(120),
    ESCALATE_REPEAT_MINUTES: z.coerce.number({ message: 'must be minutes' }).min(1).default(10),
    // How many times the whole chain is walked before it is given up (said on the alerts).
    ESCALATE_CHAIN_ROUNDS: z.coerce.number({ message: 'must be a whole number' }).int().min(1).max(10).default(3),
    // The morning digest e-mail of each centre, local time.
    DIGEST_MORNING_AT: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as 08:00').default('08:00'),
    // Outgoing e-mail to staff (invitations, digests): smtp://user:pass@host:587 or smtps://…:465; unset: no mail.
    SMTP_URL: optionalString.pipe(z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional()),
    MAIL_FROM: z.string().trim().min(3, 'must be a sender address such as Mimamori <noreply@example.jp>').default('Mimamori <noreply@localhost>'),
    // Days after the end of monitoring before a person's personal data is erased (README:
    // "Retention and deletion" — what the laws say and why 5 years is only a cautious default).
    RETENTION_DAYS: z.coerce.number({ message: 'must be a number of days' }).int('must be a whole number of days').min(1, 'must be at least 1 day').max(36_500, 'must be at most 36500 days').default(1825),
  })
  .superRefine((env, ctx) => {
    if (!!env.ADMIN_EMAIL !== !!env.ADMIN_PASSWORD) {
      ctx.addIssue({ code: 'custom', path: [env.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'], message: 'ADMIN_EMAIL and ADMIN_PASSWORD go together' });
    }
    if (!!env.ADMIN_CENTRE_CODE !== !!env.ADMIN_CENTRE_NAME) {
      ctx.addIssue({ code: 'custom', path: [env.ADMIN_CENTRE_CODE ? 'ADMIN_CENTRE_NAME' : 'ADMIN_CENTRE_CODE'], message: 'ADMIN_CENTRE_CODE and ADMIN_CENTRE_NAME go together' });
    }
    if (!!env.LINE_CHANNEL_SECRET !== !!env.LINE_CHANNEL_ACCESS_TOKEN) {
      ctx.addIssue({ code: 'custom', path: [env.LINE_CHANNEL_SECRET ? 'LINE_CHANNEL_ACCESS_TOKEN' : 'LINE_CHANNEL_SECRET'], message: 'LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN go together' });
    }
    const twilio = [env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN, env.TWILIO_FROM_NUMBER];
    if (twilio.some(Boolean) && !twilio.every(Boolean)) {
      const missing = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER'].filter((_, i) => !twilio[i]);
      for (const name of missing) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when any TWILIO_ setting is given' });
    }
    // Personal data crosses the network to PostgreSQL only over TLS (README: storage encryption).
    if (env.NODE_ENV === 'production' && env.DATABASE_URL && !isLoopbackHost(env.DATABASE_URL) && !/[?&]sslmode=(require|verify-ca|verify-full)\b/.test(env.DATABASE_URL)) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'must use TLS in production: add ?sslmode=require (or verify-full)' });
    }
    // Redis carries job data and sign-in throttle counters: across a network only over TLS, like PostgreSQL.
    const redisTarget = safeRedisTarget(env.REDIS_URL);
    if (env.NODE_ENV === 'production' && redisTarget && !redisTarget.tls && !redisIsLocal(redisTarget)) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'must use TLS in production: rediss://… (or a Redis on this machine)' });
    }
    if (env.API_TOKEN_DAYS > env.API_TOKEN_MAX_DAYS) {
      ctx.addIssue({ code: 'custom', path: ['API_TOKEN_DAYS'], message: `must not exceed API_TOKEN_MAX_DAYS (${env.API_TOKEN_MAX_DAYS})` });
    }
    if (env.NODE_ENV === 'production' && !env.APP_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['APP_SECRET'], message: 'is required in production (at least 32 random characters)' });
    }
  });

function safeRedisTarget(url: string): RedisTarget | undefined {
  try {
    return parseRedisUrl(url);
  } catch {
    return undefined;
  }
}

/** The URL's host is this machine (loopback, or none: a Unix socket): not reached over a network. */
function isLoopbackHost(url: string): boolean {
  const m = /^[a-z]+:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^:/?]*)/.exec(url);
  const host = m?.[1] ?? '';
  return host === '' || host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse and validate settings; throws ConfigError naming each bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? '(settings)'), message: issue.message })),
  );
}

/**
 * The key that signs links and tokens. Never a constant: start-up fills APP_SECRET from
 * DATA_DIR/app-secret when it is not set (src/boot.ts), so an unset one here is a bug.
 */
export function appSecret(env: Env): string {
  if (!env.APP_SECRET) throw new Error('APP_SECRET is not set and no persisted secret was loaded (createDeps does this at start-up)');
  return env.APP_SECRET;
}

/** The key TOTP secrets are sealed with: TOTP_ENCRYPTION_KEY, else one derived from APP_SECRET. */
export function totpKeyMaterial(env: Pick<Env, 'TOTP_ENCRYPTION_KEY' | 'APP_SECRET'>): string {
  return env.TOTP_ENCRYPTION_KEY ?? `totp:${appSecret(env as Env)}`;
}

/** The process environment, validated: the one place that reads process.env. */
export function loadEnv(): Env {
  return parseEnv(process.env);
}

/**
 * The whole environment, for programs the service checks start (src/platform/services:
 * pg_ctlcluster, redis-server, apt-get need PATH, HOME, LANG); never for settings.
 */
export function hostEnvironment(): Record<string, string | undefined> {
  return { ...process.env };
}
