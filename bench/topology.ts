/**
 * Topology: the production layout (README: Production topology) — intake processes
 * (MIMAMORI_ROLE=intake) and worker processes (MIMAMORI_ROLE=workers) started as separate
 * `tsx src/server.ts` processes over one PostgreSQL database and one Redis, with the LINE
 * stand-in (LINE_API_BASE_URL) in this process. For each layout of --intakes × --workers
 * (default 1,2 × 1,2), simulated patients answer the close-contact check at --rate events/s
 * for --seconds, one question at a time (the next answer once the reply reached their
 * phone), spread over the intake processes; 1 % answer 「息苦しさ: はい」 (red). A nurse's
 * console listens to the triage stream on the first intake. A webhook answered 503 (the
 * overload gate, INBOX_BACKLOG_LIMIT) is delivered again, as LINE does, after a back-off
 * (redeliveryDelayMs). Figures per layout: webhook p50/p99, answers processed/s during the burst, red
 * answer → live stream p50/p99, shed (503) and redelivered, lost, duplicates.
 * --round N adds N more persons whose round is dispatched (the tick) during the burst: created
 * then too, or with --prepared as in production — the round time set at least 90 s ahead, the
 * workers' tick prepares it (ROUND_PREPARE_MINUTES) and the burst starts with its first multicast.
 * --cpu-prof DIR runs each process under node's CPU profiler (a .cpuprofile per process in DIR).
 * --worker-nice N starts the worker processes under `nice -n N`: in production the intakes have
 * cores of their own; here they share two with the workers, PostgreSQL and this generator.
 * --connections N: the webhook sender's connections at most (default 256; LINE does not say how
 * many it opens).
 * --front haproxy[:N]: the webhooks go through HAProxy, the deployment's load balancer, which holds
 *   at most N connections (default 64) to each intake and queues the rest (Debian's haproxy package).
 * --typed: the patients type every answer instead of tapping its button (the red 「はい」 is then
 * hurried by its sender's typed-red hint, not by the button's mark).
 * --first-red K (with --round): a third of the round's persons are 65 or over (a typed fever is
 * red for them, so their first question is hinted: jobs/typed-red-hints.ts), and K of those, picked
 * at random, type 「38.5」 a second after their multicast reaches them — red answers to the
 * round's first question, reported apart from the others (during the burst only).
 * --statements prints this database's statements over the burst and drain from
 * pg_stat_statements (server time, calls, blocks and WAL an answer; the extension must be in
 * shared_preload_libraries). --keep leaves the bench's database in place (its name is printed).
 * Run: npm run bench -- topology [--persons 20000] [--rate 300] [--seconds 30] [--intakes 1,2] [--workers 1,2] [--limit 5000]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { queryRows } from '../db/client';
import { closeDeps, createDeps } from '../src/boot';
import { parseArgs } from '../src/cli/command';
import { parseEnv } from '../src/config/env';
import type { Deps } from '../src/deps';
import { bullPrefix } from '../src/jobs/queue-keys';
import { createLogger } from '../src/platform/logger';
import { createBenchNurse, PG_BASE } from './support/bench-app';
import { listenToTriage, signIn } from './support/console-client';
import { cpuSecondsOf, redisCpuSeconds } from './support/cpu';
import { pgStatements } from './support/pg-statements';
import { startFrontProxy, type FrontProxy } from './support/front-proxy';
import { machineInfo } from './support/machine';
import { AnsweringPatients, answerEvent, CONTACT_ANSWERS as ANSWERS, RED_STEP, type Patient } from './support/answering-patients';
import { generatePersons } from './support/round-data';
import { lineTextEvent, startLineStandIn, type LineDelivery, type WebhookPhases } from './stand-ins/line-api';

const args = parseArgs(process.argv.slice(2));
const persons = Number(args.flags.persons ?? 20_000);
const roundPersons = Number(args.flags.round ?? 0);
const prepared = Boolean(args.flags.prepared);
const rate = Number(args.flags.rate ?? 300);
const seconds = Number(args.flags.seconds ?? 30);
const redShare = Number(args.flags.red ?? 0.01);
const limit = Number(args.flags.limit ?? 5000);
const intakeCounts = String(args.flags.intakes ?? '1,2').split(',').map(Number);
const workerCounts = String(args.flags.workers ?? '1,2').split(',').map(Number);
const profileDir = args.flags['cpu-prof'] ? String(args.flags['cpu-prof']) : '';
const workerNice = Number(args.flags['worker-nice'] ?? 0);
const statements = Boolean(args.flags.statements);
const keepDatabase = Boolean(args.flags.keep);
const typed = Boolean(args.flags.typed);
const connections = Number(args.flags.connections ?? 256);
const [frontKind, frontMaxConn] = args.flags.front ? String(args.flags.front).split(':') : [];
if (frontKind && frontKind !== 'haproxy') throw new Error(`--front ${frontKind}: only haproxy is known`);
const firstRedCount = Number(args.flags['first-red'] ?? 0);
const SECRET = 'bench-topology-secret';
const ROOT = path.resolve(import.meta.dirname, '..');
const started = Date.now();
const step = (what: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${what}\n`);
const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : null);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** Per job id, when Redis recorded it waiting and active (the ms of each event's stream entry id). */
async function queueEventTimes(redis: Deps['redis'], key: string): Promise<Map<string, { waiting?: number; active?: number }>> {
  const times = new Map<string, { waiting?: number; active?: number }>();
  for (const [id, fields] of await redis.xrange(key, '-', '+')) {
    const f = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
    const event = f.get('event');
    const jobId = f.get('jobId');
    if (!jobId || (event !== 'waiting' && event !== 'active')) continue;
    const t = times.get(jobId) ?? {};
    t[event] ??= Number(id.split('-')[0]);
    times.set(jobId, t);
  }
  return times;
}

/**
 * The first deliveries' time by phase (p50 / p99 ms of each, on the sender's clock), and the
 * slowest 1 %'s mean time in each phase and the seconds of the burst they were posted in: where
 * a webhook's tail goes, not a guess.
 */
function phaseSummary(phases: (WebhookPhases & { status: number; at: number })[], burstStart: number) {
  const keys = ['queuedMs', 'connectMs', 'writeMs', 'answerMs', 'readMs'] as const;
  const q = (xs: number[], p: number) => Math.round(pct([...xs].sort((a, b) => a - b), p) ?? 0);
  const of = (rows: typeof phases) => Object.fromEntries(keys.map((k) => [k, { p50: q(rows.map((r) => r[k]), 50), p99: q(rows.map((r) => r[k]), 99) }]));
  const total = (r: WebhookPhases) => keys.reduce((sum, k) => sum + r[k], 0);
  const slowest = [...phases].sort((a, b) => total(b) - total(a)).slice(0, Math.max(1, Math.ceil(phases.length / 100)));
  const slowestMean = Object.fromEntries(keys.map((k) => [k, Math.round(slowest.reduce((sum, r) => sum + r[k], 0) / Math.max(1, slowest.length))]));
  const bySecond = new Map<number, number>();
  for (const r of slowest) {
    const second = Math.floor((r.at - burstStart) / 1000);
    bySecond.set(second, (bySecond.get(second) ?? 0) + 1);
  }
  return {
    all: of(phases),
    stored: of(phases.filter((r) => r.status === 200)),
    refused: of(phases.filter((r) => r.status === 503)),
    newConnections: phases.filter((r) => r.newConnection).length,
    slowestPercentMeanMs: slowestMean,
    // When the slowest 1 % were posted: how many in each second of the burst.
    slowestPercentBySecond: [...bySecond].sort((a, b) => a[0] - b[0]).map(([second, n]) => `${second}s:${n}`).join(' '),
  };
}

/** Ports handed out by freePort: a process may bind its port late (a worker's metrics port), so the same free port is never handed out twice. */
const handedOut = new Set<number>();

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  for (;;) {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as { port: number };
        srv.close(() => resolve(port));
      });
    });
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

/**
 * When LINE delivers a refused webhook again. LINE does not publish its schedule (it may
 * change without notice) nor say that it reads Retry-After; the bench backs off as webhook
 * senders commonly do: 2 s, 4 s, 8 s … at most 32 s, each ±25 % (so the refused do not
 * all come back in the same second). A fixed short interval would have the refused
 * answers of a long overload come back faster than any intake can refuse them.
 */
const redeliveryDelayMs = (attempt: number) => Math.min(2 ** (attempt + 1), 32) * 1000 * (0.75 + Math.random() * 0.5);

/** Processes of the layout that ended without being stopped: the run's figures would be meaningless. */
const endedByItself: string[] = [];
const assertAllRunning = () => {
  if (endedByItself.length) throw new Error(`the run stopped: ${endedByItself.join(', ')} ended by itself (its last words above)`);
};

/** `tsx src/server.ts` with a role, as the README's production commands start it. */
function startProcess(role: 'intake' | 'workers', env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let out = '';
  // --cpu-prof DIR: under node's CPU profiler, a .cpuprofile per thread of each process (written when it exits on SIGTERM).
  const [tool, toolArgs] = profileDir
    ? [process.execPath, ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`, '--import', 'tsx', 'src/server.ts']]
    : [path.join(ROOT, 'node_modules/.bin/tsx'), ['src/server.ts']];
  // --worker-nice N: the workers at a lower CPU priority, the nearest a shared machine comes to
  // intakes on cores of their own (nice execs the process: the pid is the worker's).
  const [command, argv] = role === 'workers' && workerNice > 0 ? ['nice', ['-n', String(workerNice), tool, ...toolArgs]] : [tool, toolArgs];
  const child = spawn(command, argv, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, MIMAMORI_ROLE: role }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (out = (out + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-20_000)));
  // A process that ends before the bench stops it: say so at once, with its last words.
  child.on('exit', (code, signal) => {
    if (child.killed) return;
    step(`a ${role} process (pid ${child.pid}) ended by itself (${signal ?? code}):\n${out.slice(-4000)}`);
    endedByItself.push(`${role} (pid ${child.pid})`);
  });
  return { child, output: () => out };
}

/**
 * A process's own view, from its Prometheus scrape (METRICS_PORT): on an intake the webhook's time in the
 * app (mimamori_http_request_duration_seconds, group webhook_line: the bucket a quantile falls
 * in, as Prometheus reads it) and the event loop's lag. Set against the generator's timing,
 * it says whether a slow webhook was slow inside the app or waiting for a core.
 */
async function processView(metricsUrl: string) {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const webhook = histogramBounds(text, 'mimamori_http_request_duration_seconds', 'group="webhook_line"');
  // The webhooks it stored (200), apart from the ones it refused: a stored one holds the sender's connection for the write.
  const stored = histogramBounds(text, 'mimamori_http_request_duration_seconds', 'group="webhook_line"', 'status_class="2xx"');
  // The red answer → the nurses' consoles, timed by the process serving them (its clock, not this one's).
  const red = histogramBounds(text, 'mimamori_alert_to_console_seconds', 'severity="red"');
  const gauge = (name: string) => {
    const v = text.match(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm'));
    return v ? Number(Number(v[1]).toFixed(3)) : null;
  };
  return {
    webhookInAppP50S: webhook.p50, webhookInAppP99S: webhook.p99, storedInAppP50S: stored.p50, storedInAppP99S: stored.p99,
    redToConsoleInAppP50S: red.p50, redToConsoleInAppP99S: red.p99, redToConsoleInAppCount: red.count,
    eventLoopLagP99S: gauge('mimamori_nodejs_eventloop_lag_p99_seconds'), eventLoopLagMaxS: gauge('mimamori_nodejs_eventloop_lag_max_seconds'),
  };
}

/** A histogram's p50 and p99 as the upper bounds of the buckets they fall in (as Prometheus reads them), over the series matching all `labels`. */
function histogramBounds(text: string, metric: string, ...labels: string[]): { p50: number | null; p99: number | null; count: number } {
  const buckets = new Map<number, number>();
  for (const m of text.matchAll(new RegExp(`^${metric}_bucket\\{([^}]*)\\} (\\d+)$`, 'gm'))) {
    if (!labels.every((l) => m[1]!.includes(l))) continue;
    const le = m[1]!.match(/le="([^"]+)"/)![1]!;
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(m[2]));
  }
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const count = sorted.at(-1)?.[1] ?? 0;
  const quantile = (q: number) => (count ? (sorted.find(([, n]) => n >= q * count)?.[0] ?? null) : null);
  return { p50: quantile(0.5), p99: quantile(0.99), count };
}

async function waitHealthy(url: string, proc: { child: ChildProcess; output: () => string }, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`a process exited with ${proc.child.exitCode}:\n${proc.output()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not start:\n${proc.output()}`);
    await sleep(250);
  }
}



/** A process and its descendants (tsx starts node as a child). */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** CPU seconds so far of the intake processes, the worker processes, this database's PostgreSQL backends, and Redis (the whole server: shared). */
async function cpuSnapshot(procs: { role: 'intake' | 'workers'; child: ChildProcess }[], db: { execute: (q: ReturnType<typeof sql>) => Promise<unknown> }, dbName: string, redis: { info: (s: string) => Promise<string> }) {
  const sum = (role: 'intake' | 'workers') => procs.filter((p) => p.role === role).flatMap((p) => processTree(p.child.pid!)).reduce((n, pid) => n + cpuSecondsOf(pid), 0);
  const backends = (await db.execute(sql`select pid from pg_stat_activity where datname = ${dbName}`)) as unknown as { pid: number }[];
  const redisCpu = await redisCpuSeconds(redis);
  return { intake: sum('intake'), workers: sum('workers'), postgres: backends.reduce((n, b) => n + cpuSecondsOf(Number(b.pid)), 0), backends: new Set(backends.map((b) => Number(b.pid))), redis: redisCpu };
}

async function runLayout(intakes: number, workers: number) {
  const dbName = `mimamori_bench_topo_${randomBytes(4).toString('hex')}`;
  const admin = postgres(`${PG_BASE}/postgres`, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  const prefix = `bench-topo-${randomBytes(4).toString('hex')}`;
  const phones = new AnsweringPatients();
  const { patients, continuing, replyTokens } = phones;
  const ready: Patient[] = [];
  let readyHead = 0;
  let firstMulticastAt = 0;
  let lastMulticastAt = 0;
  let roundRecipients = 0; // the round's prompts the LINE stand-in accepted (the sessions are marked prompted later, by the tick)
  // --first-red: who types a red temperature once the round's multicast reaches them, and when.
  const firstRedUsers = new Set<string>();
  const firstRedDue: { userId: string; at: number }[] = [];
  const onDelivery = (d: LineDelivery) => {
    if (d.endpoint !== 'multicast') phones.onReply(d);
    else {
      firstMulticastAt ||= Date.now();
      lastMulticastAt = Date.now();
      roundRecipients += d.to.length;
      for (const userId of d.to) if (firstRedUsers.delete(userId)) firstRedDue.push({ userId, at: Date.now() + 1000 });
    }
  };
  const line = await startLineStandIn({ channelSecret: SECRET, recordDeliveries: false, recordRecipients: false, onDelivery, webhookConnections: connections });
  const appSecret = randomBytes(32).toString('hex');
  const shared: Record<string, string> = {
    NODE_ENV: 'production',
    APP_SECRET: appSecret,
    DATABASE_URL: `${PG_BASE}/${dbName}`,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    // The worker settings under study, when given (INBOUND_CONCURRENCY=8 npm run bench -- topology …).
    ...Object.fromEntries(['INBOUND_CONCURRENCY', 'INBOUND_BATCH_SIZE', 'DISPATCH_CONCURRENCY', 'ANSWER_POOL_SIZE'].flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : []))),
    LINE_CHANNEL_SECRET: SECRET,
    LINE_CHANNEL_ACCESS_TOKEN: 'bench',
    LINE_API_BASE_URL: line.url,
    REQUIRE_TOTP_FOR: 'officers',
    INBOX_BACKLOG_LIMIT: String(limit),
    INBOX_RETRY_AFTER_SECONDS: '2',
    QUIET_HOURS: quietHoursAwayFromNow(),
  };
  // The database, its migrations and the data: from this process, before any server starts.
  const env = parseEnv(shared);
  const deps = await createDeps(env, { logger: createLogger({ level: 'error' }), queuePrefix: prefix });
  const procs: { role: 'intake' | 'workers'; child: ChildProcess; output: () => string }[] = [];
  let console_: { close: () => void } | undefined;
  let front: FrontProxy | undefined;
  try {
    step(`${intakes} intake × ${workers} worker: generating ${persons.toLocaleString()} persons with an open check`);
    await generatePersons(deps.db, persons);
    // Every person prompted for a check open now (as after the round's multicast).
    await deps.db.execute(sql`insert into check_sessions (person_id, flow_version_id, local_date, round, channel, status, due_at, expires_at, prompted_at)
      select p.id, (select v.id from flow_versions v join flows f on f.id = v.flow_id where f.key = 'contact-daily' and v.status = 'published' order by v.version desc limit 1),
        (now() at time zone 'Asia/Tokyo')::date, '09:00', 'line', 'prompted', now() - interval '1 minute', now() + interval '6 hours', now()
      from persons p`);
    const users = await queryRows<{ address: string }>(deps.db, sql`select address from person_channels where kind = 'line'`);
    for (const u of users) {
      const p: Patient = { userId: u.address, step: 0, red: false, awaiting: false };
      patients.set(u.address, p);
      ready.push(p);
    }
    if (roundPersons > 0) {
      await generatePersons(deps.db, roundPersons, { from: persons + 1 });
      // Their round is due at this minute (Tokyo): the workers' tick creates and dispatches it.
      // Prepared: the first whole minute at least 90 s ahead (setting up the processes and the warm-up take ~20 s).
      const roundAt = prepared ? new Date(Math.ceil((Date.now() + 90_000) / 60_000) * 60_000) : new Date();
      const hhmm = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', hour12: false }).format(roundAt);
      await deps.db.execute(sql`update flow_assignments set round_times = ${JSON.stringify([hhmm])}::jsonb where person_id in (select id from persons where substring(case_number from 2)::int > ${persons})`);
      if (firstRedCount > 0) {
        await deps.db.execute(sql`update persons set date_of_birth = '1950-04-01' where substring(case_number from 2)::int > ${persons} and substring(case_number from 2)::int % 3 = 0`);
        const picked = await queryRows<{ address: string }>(deps.db, sql`select pc.address from persons p join person_channels pc on pc.person_id = p.id and pc.kind = 'line'
          where p.date_of_birth is not null order by random() limit ${firstRedCount}`);
        for (const r of picked) firstRedUsers.add(r.address);
      }
    }
    // Yesterday's answers, processed, and their replies, sent (8 a person): the inbox and the
    // outbox are not empty when the planner looks at them, as on any morning but the very first
    // (analyzed empty, a prepared statement's cached plan scanned every row of the inbox and the
    // outbox for each job during the whole burst: 1.7 ms of PostgreSQL an answer).
    await deps.db.execute(sql`with yesterday as (
        insert into inbound_events (provider, provider_event_id, sender_key, payload, received_at, processed_at, attempts)
        select 'line', 'yesterday-' || pc.id || '-' || g, encode(sha256(convert_to('line:' || pc.address, 'UTF8')), 'hex'), '{}'::jsonb,
          now() - interval '1 day' + g * interval '1 minute', now() - interval '1 day' + g * interval '1 minute', 1
        from person_channels pc cross join generate_series(1, 8) g where pc.kind = 'line'
        returning id, received_at)
      insert into outbound_messages (channel, kind, retry_key, status, attempts, body, created_at, updated_at)
      select 'line', 'check', 'line:event:' || id, 'sent', 1, '{}'::jsonb, received_at, received_at from yesterday`);
    // …and the last 13 days' checks, each with its five answers: the history the engine reads
    // with each answer's session (14 days), as on the 14th day of a close contact's follow-up.
    await deps.db.execute(sql`with s as (
        insert into check_sessions (person_id, flow_version_id, local_date, round, channel, status, due_at, expires_at, prompted_at, completed_at)
        select c.person_id, c.flow_version_id, c.local_date - d, '09:00', 'line', 'completed', c.due_at - d * interval '1 day', c.due_at - d * interval '1 day' + interval '6 hours',
          c.due_at - d * interval '1 day', c.due_at - d * interval '1 day' + interval '5 minutes'
        from check_sessions c cross join generate_series(1, 13) d where c.round = '09:00' and c.status = 'prompted'
        returning id, person_id, completed_at)
      insert into observations (person_id, session_id, question_id, kind, value_number, value, raw, status, channel, observed_at)
      select s.person_id, s.id, q.id, q.kind, q.num, q.val, q.raw, 'answered', 'line', s.completed_at
      from s cross join (values ('temperature', 'number', 36.5::float8, '36.5'::jsonb, '36.5'), ('breathless', 'yes_no', null, 'false'::jsonb, 'いいえ'),
        ('cough', 'yes_no', null, 'false'::jsonb, 'いいえ'), ('sore_throat', 'yes_no', null, 'false'::jsonb, 'いいえ'), ('taste_smell', 'yes_no', null, 'false'::jsonb, 'いいえ')) q(id, kind, num, val, raw)`);
    await deps.db.execute(sql`analyze`);
    const nurse = await createBenchNurse(deps, '13-bench');

    step('starting the processes');
    const intakeUrls: string[] = [];
    const intakeMetricsUrls: string[] = [];
    const workerMetricsUrls: string[] = [];
    const starting: Promise<void>[] = [];
    for (let i = 0; i < intakes; i++) {
      const port = await freePort();
      const metricsPort = await freePort();
      intakeMetricsUrls.push(`http://127.0.0.1:${metricsPort}`);
      const p = startProcess('intake', { ...shared, PORT: String(port), METRICS_PORT: String(metricsPort) });
      procs.push({ role: 'intake', ...p });
      intakeUrls.push(`http://127.0.0.1:${port}`);
      starting.push(waitHealthy(intakeUrls[i]!, p));
    }
    for (let i = 0; i < workers; i++) {
      const port = await freePort();
      const metricsPort = await freePort();
      workerMetricsUrls.push(`http://127.0.0.1:${metricsPort}`);
      const p = startProcess('workers', { ...shared, PORT: String(port), METRICS_PORT: String(metricsPort), TICK_EVERY_MS: roundPersons > 0 ? '5000' : '60000' });
      procs.push({ role: 'workers', ...p });
      starting.push(waitHealthy(`http://127.0.0.1:${port}`, p));
    }
    await Promise.all(starting);
    // The webhooks' way in: the intakes themselves, or the load balancer in front of them.
    if (frontKind) front = await startFrontProxy(intakeUrls.map((u) => Number(new URL(u).port)), { port: await freePort(), maxConnPerIntake: Number(frontMaxConn ?? 64) });
    const webhookUrl = (n: number) => `${front?.url ?? intakeUrls[n % intakeUrls.length]}/webhooks/line`;
    const cookie = await signIn(intakeUrls[0]!, nurse.email, nurse.password);
    const firstNotice = new Map<string, number>();
    const raisedNotices = new Map<string, number>();
    console_ = await listenToTriage(intakeUrls[0]!, cookie, (n) => {
      if (!firstNotice.has(n.alertId)) firstNotice.set(n.alertId, n.at);
      if (n.event === 'raised') raisedNotices.set(n.alertId, (raisedNotices.get(n.alertId) ?? 0) + 1);
    });
    step('processes up, console stream open; the answers start');

    const redSentAt = new Map<string, number>();
    let redTapped = 0; // red answers sent as a tap on the button marked red (u=1): the urgent lane
    const redEvents = new Map<string, string>(); // webhook event id → the red patient's LINE user id
    const redStoredAt = new Map<string, number>(); // user id → when the intake answered 200 for their red answer
    const redWebhookMs: number[] = []; // the intake's part of red → stream
    let redShed = 0; // red answers answered 503 (the gate lets a red tap in: should stay 0)
    const accepted = new Set<string>();
    const shedIds = new Set<string>();
    const intakeMs: number[] = [];
    const queuedMs: number[] = []; // of each post's time, the wait for a connection of the generator's pool (LINE's side, not the intake)
    const firstPhases: (WebhookPhases & { status: number; at: number })[] = []; // where each first delivery's time went, on the sender's clock
    let sent = 0;
    let shed = 0;
    let redelivered = 0;
    let failed = 0;
    let started_ = 0;
    const inFlight = new Set<Promise<void>>();
    /** One delivery; a 503 is delivered again after Retry-After (as LINE does), until accepted. */
    const deliver = (event: ReturnType<typeof answerEvent>, n: number, attempt = 0): Promise<void> =>
      line.sendWebhook(event, { url: webhookUrl(n) }).then(
        async (r) => {
          if (attempt === 0) {
            intakeMs.push(r.ms);
            firstPhases.push({ ...r.phases, status: r.status, at: Date.now() - r.ms });
          }
          queuedMs.push(r.phases.queuedMs);
          if (attempt === 0 && redEvents.has(event.webhookEventId)) redWebhookMs.push(r.ms);
          if (r.status === 503 && redEvents.has(event.webhookEventId)) redShed++;
          if (r.status === 200) {
            const redUser = redEvents.get(event.webhookEventId);
            if (redUser) redStoredAt.set(redUser, Date.now());
            accepted.add(event.webhookEventId);
            return;
          }
          if (r.status === 503) {
            shed++;
            shedIds.add(event.webhookEventId);
            await sleep(redeliveryDelayMs(attempt));
            redelivered++;
            return deliver({ ...event, deliveryContext: { isRedelivery: true } }, n + 1, attempt + 1);
          }
          failed++;
        },
        // A post that failed at the client (connect timeout, reset): LINE delivers it again
        // (webhook redelivery), so does the bench, up to 5 times.
        async () => {
          failed++;
          if (attempt >= 5) return;
          await sleep(redeliveryDelayMs(attempt));
          redelivered++;
          return deliver({ ...event, deliveryContext: { isRedelivery: true } }, n + 1, attempt + 1);
        },
      );
    // Warm-up (not measured): a few answers through every process, so the figures leave out the first requests' compilation.
    const warm = ready.slice(readyHead, readyHead + 20);
    readyHead += warm.length;
    for (const [k, p] of warm.entries()) {
      const event = lineTextEvent(p.userId, ANSWERS[0]!);
      replyTokens.set(event.replyToken, p.userId);
      p.awaiting = true;
      await line.sendWebhook(event, { url: webhookUrl(k) }).catch(() => undefined);
    }
    const warmUntil = Date.now() + 120_000;
    while (warm.some((p) => p.awaiting) && Date.now() < warmUntil) {
      assertAllRunning();
      await sleep(100);
    }
    step(`warmed up (${warm.filter((p) => !p.awaiting).length}/${warm.length} answered)`);
    if (prepared && roundPersons > 0) {
      while (!firstMulticastAt) await sleep(20);
      const [made] = await queryRows<{ n: number }>(deps.db, sql`select count(*)::int as n from check_sessions where round <> '09:00'`);
      step(`the round's first multicast (${made!.n.toLocaleString()} sessions prepared ahead)`);
    }
    const pgStats = statements ? await pgStatements(deps.db) : null;
    await pgStats?.reset();
    step('the burst starts');
    const cpuBefore = await cpuSnapshot(procs, deps.db, dbName, deps.redis);
    const frontCpuBefore = front ? cpuSecondsOf(front.pid) : 0;
    const benchCpuBefore = process.cpuUsage();
    const benchLoop = monitorEventLoopDelay({ resolution: 20 });
    benchLoop.enable();
    const [{ n: processedBefore }] = (await queryRows<{ n: number }>(deps.db, sql`select count(*)::int as n from inbound_events where processed_at is not null`)) as [{ n: number }];
    const burstStart = Date.now();
    let nobodyReady = 0;
    const firstRedSent = new Set<string>();
    while (Date.now() - burstStart < seconds * 1000) {
      assertAllRunning();
      while (firstRedDue.length > 0 && firstRedDue[0]!.at <= Date.now()) {
        const { userId } = firstRedDue.shift()!;
        const event = lineTextEvent(userId, '38.5');
        redEvents.set(event.webhookEventId, userId);
        redSentAt.set(userId, Date.now());
        firstRedSent.add(userId);
        const f = deliver(event, sent);
        inFlight.add(f);
        void f.finally(() => inFlight.delete(f));
      }
      const due = Math.floor(((Date.now() - burstStart) / 1000) * rate);
      while (sent < due) {
        const p = continuing.length > 0 ? continuing.shift() : readyHead < ready.length ? ready[readyHead++] : undefined;
        if (!p) {
          nobodyReady += due - sent;
          sent = due;
          break;
        }
        if (p.step === 0) p.red = started_++ % Math.round(1 / redShare) === 0;
        const red = p.red && p.step === RED_STEP;
        const event = answerEvent(p, red ? 'はい' : ANSWERS[p.step]!, undefined, typed);
        replyTokens.set(event.replyToken, p.userId);
        p.awaiting = true;
        if (red && 'postback' in event && event.postback.data.endsWith('&u=1')) redTapped++;
        if (red) redEvents.set(event.webhookEventId, p.userId);
        if (red) redSentAt.set(p.userId, Date.now());
        const f = deliver(event, sent++);
        inFlight.add(f);
        void f.finally(() => inFlight.delete(f));
      }
      await sleep(5);
    }
    const burstEnd = Date.now();
    const burstSeconds = (burstEnd - burstStart) / 1000;
    await Promise.all([...inFlight]);
    step('burst over; draining');
    const drainStart = Date.now();
    while (Date.now() - drainStart < 120_000) {
      assertAllRunning();
      const [{ n }] = (await queryRows<{ n: number }>(deps.db, sql`select count(*)::int as n from inbound_events where processed_at is null`)) as [{ n: number }];
      if (n === 0 && firstNotice.size >= redSentAt.size) break;
      await sleep(250);
    }
    const drainSeconds = (Date.now() - drainStart) / 1000;
    const cpuAfter = await cpuSnapshot(procs, deps.db, dbName, deps.redis);
    const frontCpuAfter = front ? cpuSecondsOf(front.pid) : 0;
    const firstIntake = await processView(intakeMetricsUrls[0]!).catch(() => null);
    const firstWorker = await processView(workerMetricsUrls[0]!).catch(() => null);
    const benchCpu = process.cpuUsage(benchCpuBefore);
    benchLoop.disable();
    const [{ n: processedAfter }] = (await queryRows<{ n: number }>(deps.db, sql`select count(*)::int as n from inbound_events where processed_at is not null`)) as [{ n: number }];
    const answered = Math.max(1, processedAfter - processedBefore);
    if (pgStats) console.log(JSON.stringify({ statementsPerAnswer: await pgStats.top(answered, 30) }, null, 1));
    // Per answer processed, from the burst's start to the end of the drain (a backend that ended meanwhile is not counted).
    const msPerAnswer = (after: number, before: number) => Number((((after - before) * 1000) / answered).toFixed(2));
    const backendsKept = [...cpuAfter.backends].filter((b) => cpuBefore.backends.has(b)).length;
    const stored = await queryRows<{ id: string; processed: boolean }>(deps.db, sql`select provider_event_id as id, processed_at is not null as processed from inbound_events where provider = 'line'`);
    // A red answer's wait for a job to take it: stored (received_at) → its run began (processed_at is the run's clock at its start).
    const redPickup = (
      await queryRows<{ ms: number }>(deps.db, sql`select extract(epoch from processed_at - received_at) * 1000 as ms from inbound_events
        where provider_event_id = any(${`{${[...redEvents.keys()].join(',')}}`}::text[]) and processed_at is not null order by 1`)
    ).map((r) => Math.round(Number(r.ms)));
    // The urgent lane's jobs as BullMQ saw them: added → taken by a worker, and the run itself.
    const urgentJobs = await deps.jobs.queue('inbound-urgent').getJobs(['completed', 'failed']);
    const sortedOf = (xs: number[]) => xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    const urgentWait = sortedOf(urgentJobs.map((j) => (j.processedOn ?? NaN) - j.timestamp));
    const urgentRun = sortedOf(urgentJobs.map((j) => (j.finishedOn ?? NaN) - (j.processedOn ?? NaN)));
    // The wait split by the queue's event stream, whose entry ids are Redis's own clock: created in
    // the intake → the add ran in Redis ('waiting'), and → a worker moved it to active ('active').
    const urgentSplit = await queueEventTimes(deps.redis, `${bullPrefix(deps.jobs.prefix, 'inbound-urgent')}:inbound-urgent:events`);
    const urgentToRedis = sortedOf(urgentJobs.map((j) => (urgentSplit.get(j.id!)?.waiting ?? NaN) - j.timestamp));
    const urgentRedisToActive = sortedOf(urgentJobs.map((j) => (urgentSplit.get(j.id!)?.active ?? NaN) - (urgentSplit.get(j.id!)?.waiting ?? NaN)));
    const storedIds = new Set(stored.map((r) => r.id));
    const processedIds = new Set(stored.filter((r) => r.processed).map((r) => r.id));
    const lost = [...accepted].filter((id) => !storedIds.has(id)).length;
    const shedProcessed = [...shedIds].filter((id) => processedIds.has(id)).length;
    const [dup] = await queryRows<{ events: number; alerts: number }>(deps.db, sql`select
      (select count(*) - count(distinct provider_event_id) from inbound_events)::int as events,
      (select count(*) from (select 1 from alerts where session_id is not null group by session_id having count(*) > 1) d)::int as alerts`);
    const [throughput] = await queryRows<{ n: number }>(deps.db, sql`select count(*)::int as n from inbound_events
      where processed_at >= ${new Date(burstStart).toISOString()}::timestamptz and processed_at < ${new Date(burstEnd).toISOString()}::timestamptz`);
    const alertUsers = await queryRows<{ id: string; userId: string }>(deps.db, sql`select a.id, pc.address as "userId" from alerts a join person_channels pc on pc.person_id = a.person_id and pc.kind = 'line' where a.severity = 'red'`);
    const latencies = alertUsers.flatMap((a) => {
      const s = redSentAt.get(a.userId);
      const seen = firstNotice.get(a.id);
      return s !== undefined && seen !== undefined ? [seen - s] : [];
    }).sort((a, b) => a - b);
    const firstRedLatencies = alertUsers.flatMap((a) => {
      const s = firstRedSent.has(a.userId) ? redSentAt.get(a.userId) : undefined;
      const seen = firstNotice.get(a.id);
      return s !== undefined && seen !== undefined ? [seen - s] : [];
    }).sort((a, b) => a - b);
    // The workers' part (stored → on the stream): the webhook's 200 to the console's notice.
    const afterStored = alertUsers.flatMap((a) => {
      const s = redStoredAt.get(a.userId);
      const seen = firstNotice.get(a.id);
      return s !== undefined && seen !== undefined ? [seen - s] : [];
    }).sort((a, b) => a - b);
    intakeMs.sort((a, b) => a - b);
    queuedMs.sort((a, b) => a - b);
    const [prompted] = roundPersons > 0 ? await queryRows<{ n: number }>(deps.db, sql`select count(*)::int as n from check_sessions where round <> '09:00' and prompted_at is not null`) : [{ n: 0 }];
    return {
      intakes,
      workers,
      loadAverage1m: Number(os.loadavg()[0]!.toFixed(1)),
      eventsSent: sent - nobodyReady,
      offeredPerSecond: Math.round((sent - nobodyReady) / burstSeconds),
      nobodyReady,
      webhookP50Ms: Math.round(pct(intakeMs, 50) ?? 0),
      webhookP99Ms: Math.round(pct(intakeMs, 99) ?? 0),
      // Of it, waiting for a connection of the generator's pool (every delivery): the app was not asked yet.
      webhookQueuedP50Ms: Math.round(pct(queuedMs, 50) ?? 0),
      webhookQueuedP99Ms: Math.round(pct(queuedMs, 99) ?? 0),
      webhookPhases: phaseSummary(firstPhases, burstStart),
      accepted: accepted.size,
      shed503: shed,
      redelivered,
      shedThenProcessed: shedProcessed,
      shedEvents: shedIds.size,
      failed,
      processedPerSecondDuringBurst: Math.round(throughput!.n / burstSeconds),
      redAnswers: redSentAt.size,
      redAnswersTappedUrgent: redTapped,
      redSeenOnStream: latencies.length,
      redAlerts: alertUsers.length,
      noticesOnStream: firstNotice.size,
      redToStreamP50Ms: pct(latencies, 50),
      redToStreamP99Ms: pct(latencies, 99),
      redWebhookP99Ms: Math.round(pct(redWebhookMs.sort((a, b) => a - b), 99) ?? 0),
      redStoredToStreamP50Ms: pct(afterStored, 50),
      redStoredToStreamP99Ms: pct(afterStored, 99),
      urgentJobs: {
        count: urgentJobs.length,
        waitP50Ms: pct(urgentWait, 50),
        waitP99Ms: pct(urgentWait, 99),
        toRedisP50Ms: pct(urgentToRedis, 50),
        toRedisP99Ms: pct(urgentToRedis, 99),
        redisToActiveP50Ms: pct(urgentRedisToActive, 50),
        redisToActiveP99Ms: pct(urgentRedisToActive, 99),
        runP50Ms: pct(urgentRun, 50),
        runP99Ms: pct(urgentRun, 99),
      },
      redPickupP50Ms: pct(redPickup, 50),
      redPickupP99Ms: pct(redPickup, 99),
      redShed503: redShed,
      // --first-red: typed red answers to the round's first question (their multicast reached them during the burst).
      firstRed: { sent: firstRedSent.size, seen: firstRedLatencies.length, p50Ms: pct(firstRedLatencies, 50), p99Ms: pct(firstRedLatencies, 99), notReachedInBurst: firstRedUsers.size + firstRedDue.length },
      drainSeconds,
      lost,
      duplicateEvents: dup!.events,
      duplicateAlerts: dup!.alerts,
      duplicateReplies: phones.sentTwice(),
      roundPrompted: roundRecipients,
      roundMarkedPrompted: prompted!.n,
      // The round's last multicast, from its first (what answers first costs the round).
      roundSendSeconds: firstMulticastAt ? Number(((lastMulticastAt - firstMulticastAt) / 1000).toFixed(1)) : null,
      answersProcessedInWindow: answered,
      // Every webhook request the intake answered in the window (first deliveries and redeliveries, 200 or 503).
      webhookRequests: sent - nobodyReady + redelivered,
      intakeCpuMsPerWebhookRequest: Number((((cpuAfter.intake - cpuBefore.intake) * 1000) / Math.max(1, sent - nobodyReady + redelivered)).toFixed(2)),
      // The load generator's own CPU (this process: signing, fetch, the LINE stand-in) over the burst and drain, ÷ wall time: 1.0 = one core.
      // This process's own event loop delay over the burst: its timings (webhook, red → stream) include it.
      benchLoopLagP99Ms: Math.round(benchLoop.percentile(99) / 1e6),
      benchProcessCores: Number(((benchCpu.user + benchCpu.system) / 1000 / (Date.now() - burstStart)).toFixed(2)),
      cpuMsPerAnswer: {
        intake: msPerAnswer(cpuAfter.intake, cpuBefore.intake),
        workers: msPerAnswer(cpuAfter.workers, cpuBefore.workers),
        postgres: msPerAnswer(cpuAfter.postgres, cpuBefore.postgres),
        redisWholeServer: msPerAnswer(cpuAfter.redis, cpuBefore.redis),
        front: front ? msPerAnswer(frontCpuAfter, frontCpuBefore) : null,
      },
      front: front ? `haproxy, at most ${Number(frontMaxConn ?? 64)} connections an intake` : null,
      postgresBackends: { before: cpuBefore.backends.size, after: cpuAfter.backends.size, kept: backendsKept },
      // The first intake's own figures (its scrape; since it started): the webhook's time in the app, and its event loop's lag.
      firstIntake,
      firstWorkerEventLoopLag: firstWorker && { p99S: firstWorker.eventLoopLagP99S, maxS: firstWorker.eventLoopLagMaxS },
    };
  } finally {
    console_?.close();
    await front?.close();
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => (p.child.exitCode !== null ? undefined : new Promise((r) => p.child.once('exit', r)))));
    const keys = await deps.redis.keys(`${prefix}:*`).catch(() => [] as string[]);
    for (let i = 0; i < keys.length; i += 1000) await deps.redis.del(...keys.slice(i, i + 1000)).catch(() => 0);
    await closeDeps(deps);
    await line.close();
    if (keepDatabase) step(`kept the database ${dbName} (--keep)`);
    else await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

/** Quiet hours a minute long, twelve hours from now: the bench never runs inside them. */
function quietHoursAwayFromNow(): string {
  const h = (new Date().getUTCHours() + 9 + 12) % 24;
  const hh = String(h).padStart(2, '0');
  return `${hh}:00-${hh}:01`;
}

async function main() {
  const rows = [];
  for (const i of intakeCounts) for (const w of workerCounts) {
    const r = await runLayout(i, w);
    rows.push(r);
    console.log(JSON.stringify({ bench: 'topology', ...machineInfo(), persons, rate, seconds, limit, workerNice, ...r }));
  }
  const info = machineInfo();
  console.log(`topology: ${rate}/s LINE answers offered for ${seconds} s to ${persons.toLocaleString()} persons (${info.cpus} CPUs, node ${info.node}, ${info.revision}); INBOX_BACKLOG_LIMIT ${limit}${workerNice ? `; workers under nice -n ${workerNice}` : ''}${typed ? '; every answer typed' : ''}${connections !== 256 ? `; the sender's connections ${connections}` : ''}`);
  console.log('| intake × workers | load 1m | offered/s | webhook p50 / p99 ms | processed/s in burst | red → stream p50 / p99 ms | shed 503 (redelivered, then processed) | lost | dup | drain s | CPU ms/answer: intake, workers, PostgreSQL, Redis* | intake CPU ms/webhook request | bench process cores |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(`| ${r.intakes} × ${r.workers} | ${r.loadAverage1m} | ${r.offeredPerSecond} | ${r.webhookP50Ms} / ${r.webhookP99Ms} (waiting for a connection ${r.webhookQueuedP50Ms} / ${r.webhookQueuedP99Ms}; in the intake ≤ ${r.firstIntake?.webhookInAppP50S ?? '—'} / ${r.firstIntake?.webhookInAppP99S ?? '—'} s, the stored ≤ ${r.firstIntake?.storedInAppP50S ?? '—'} / ${r.firstIntake?.storedInAppP99S ?? '—'} s; its loop lag p99 ${r.firstIntake?.eventLoopLagP99S ?? '—'} s) | ${r.processedPerSecondDuringBurst} | ${r.redToStreamP50Ms ?? '—'} / ${r.redToStreamP99Ms ?? '—'} (${r.redSeenOnStream}/${r.redAnswers}, ${r.redAnswersTappedUrgent} urgent taps; their webhook p99 ${r.redWebhookP99Ms} ms, stored → stream p50 / p99 ${r.redStoredToStreamP50Ms ?? '—'} / ${r.redStoredToStreamP99Ms ?? '—'} ms, of it stored → taken ${r.redPickupP50Ms ?? '—'} / ${r.redPickupP99Ms ?? '—'} ms; urgent jobs (${r.urgentJobs.count}) queued ${r.urgentJobs.waitP50Ms ?? '—'} / ${r.urgentJobs.waitP99Ms ?? '—'} ms (created → in Redis ${r.urgentJobs.toRedisP50Ms ?? '—'} / ${r.urgentJobs.toRedisP99Ms ?? '—'}, → taken ${r.urgentJobs.redisToActiveP50Ms ?? '—'} / ${r.urgentJobs.redisToActiveP99Ms ?? '—'}), run ${r.urgentJobs.runP50Ms ?? '—'} / ${r.urgentJobs.runP99Ms ?? '—'} ms; as the intake timed it (stored → its consoles) ≤ ${r.firstIntake?.redToConsoleInAppP50S ?? '—'} / ${r.firstIntake?.redToConsoleInAppP99S ?? '—'} s; bench loop lag p99 ${r.benchLoopLagP99Ms} ms; worker loop lag p99 ${r.firstWorkerEventLoopLag?.p99S ?? '—'} s, ${r.redShed503} shed) | ${r.shed503} (${r.redelivered}, ${r.shedThenProcessed}/${r.shedEvents}) | ${r.lost} | ${r.duplicateEvents + r.duplicateAlerts + r.duplicateReplies} | ${r.drainSeconds.toFixed(1)} | ${r.cpuMsPerAnswer.intake}, ${r.cpuMsPerAnswer.workers}, ${r.cpuMsPerAnswer.postgres}, ${r.cpuMsPerAnswer.redisWholeServer} | ${r.intakeCpuMsPerWebhookRequest} | ${r.benchProcessCores} |`);
  }
  for (const r of rows) if (r.firstRed.sent > 0) console.log(`${r.intakes} × ${r.workers}: typed red answers to the round's first question ${r.firstRed.seen}/${r.firstRed.sent} on the stream, p50 / p99 ${r.firstRed.p50Ms ?? '—'} / ${r.firstRed.p99Ms ?? '—'} ms (${r.firstRed.notReachedInBurst} not prompted during the burst)`);
  console.log('* Redis: the whole server\'s CPU over the window, shared with anything else using it (an upper bound).');
  for (const r of rows) {
    const ph = r.webhookPhases;
    const line = (name: string, v: ReturnType<typeof phaseSummary>['all']) =>
      `${name}: ${Object.entries(v).map(([k, x]) => `${k.replace(/Ms$/, '')} ${x.p50} / ${x.p99}`).join(', ')}`;
    if (r.front) console.log(`${r.intakes} × ${r.workers}: webhooks through ${r.front}; its CPU ${r.cpuMsPerAnswer.front} ms an answer`);
    console.log(`${r.intakes} × ${r.workers}, the first deliveries' time by phase on the sender's clock, p50 / p99 ms — ${line('all', ph.all)}; ${line('stored', ph.stored)}; ${line('refused', ph.refused)}; new connections ${ph.newConnections}; the slowest 1 %, mean ms: ${Object.entries(ph.slowestPercentMeanMs).map(([k, x]) => `${k.replace(/Ms$/, '')} ${x}`).join(', ')}, posted in the burst's second ${ph.slowestPercentBySecond}`);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
