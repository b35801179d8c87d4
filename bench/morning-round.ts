/**
 * A morning round for N people on LINE, on one machine: persons generated in a fresh
 * database, one tick at 09:00 JST creating every check session in one statement and
 * enqueueing the multicast batches with addBulk, real dispatch workers sending through the
 * real LINE dispatcher to a local stand-in that enforces LINE's limits (multicast 200
 * requests/s, push 2,000/s, 429 above). Beside them, --sms people get their prompt by SMS
 * and --voice people by an automated call, through a local Twilio stand-in with
 * --senders sending numbers (1 SMS/s each) and Twilio's 1 call/s. Prints figures; never a
 * timed test.
 * The round is prepared ahead as in production (ROUND_PREPARE_MINUTES): the tick runs --lead
 * seconds before 09:00 (default 60; 0 = the tick at the round time, as before preparation),
 * creates the sessions and enqueues the multicasts as delayed jobs; the round's figures count
 * from the round time. CPU is reported per recipient (this process, this database's
 * PostgreSQL backends from /proc, Redis) with the load average: the machine is shared.
 * --keep: the database is left for EXPLAIN (its name printed).
 * --statements: pg_stat_statements of this database for the dispatch only (this database reset after the tick,
 * read when the last job is done), top 15 by total time, with calls, rows and buffers.
 * Run: [DISPATCH_CONCURRENCY=16] npx tsx bench/morning-round.ts [--persons 100000] [--sms 2000] [--voice 20] [--senders 50] [--lead 60] [--statements] [--keep] [--pg postgres://postgres@127.0.0.1:5432]
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { botChannelWork } from '../src/bot/channel-work';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createDb, migrateDb, queryRows } from '../db/client';
import { ensureReferenceData } from '../db/seed/reference-data';
import { parseArgs } from '../src/cli/command';
import { loadEnv, parseEnv } from '../src/config/env';
import type { Deps } from '../src/deps';
import { ensureDefaultFlows } from '../src/domain/flows/ensure-default-flows';
import { ALL_JOBS } from '../src/jobs/registry';
import { JobRunner } from '../src/jobs/runner';
import { markSentMulticasts } from '../src/jobs/multicast-marks';
import { runTick } from '../src/jobs/tick';
import { createLogger } from '../src/platform/logger';
import { createRedis } from '../src/platform/redis';
import { LINE_LIMITS } from './stand-ins/line-api';
import { startTwilioStandIn } from './stand-ins/twilio-api';
import { startLineStandIn } from './support/line-stand-in';
import { cpuSecondsOf, redisCpuSeconds } from './support/cpu';
import { machineInfo } from './support/machine';
import { addBulkJobsPerSecond, generatePersons, insertRowsPerSecond, redisUsedBytes } from './support/round-data';

const args = parseArgs(process.argv.slice(2));
const persons = Number(args.flags.persons ?? 100_000);
const smsPersons = Number(args.flags.sms ?? 2_000);
const voicePersons = Number(args.flags.voice ?? 20);
const senders = Number(args.flags.senders ?? 50);
const pgBase = String(args.flags.pg ?? 'postgres://postgres@127.0.0.1:5432');
const leadSeconds = Number(args.flags.lead ?? 60);
const statements = Boolean(args.flags.statements);
const keep = Boolean(args.flags.keep);
const base = loadEnv();
const at = new Date('2026-12-01T00:00:00Z'); // 09:00 in Tokyo
const s = (ms: number) => Math.round(ms / 10) / 100;
const TWILIO_SID = `AC${'0123456789abcdef'.repeat(2)}`;

async function main() {
  const dbName = `mimamori_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(`${pgBase}/postgres`, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  const line = await startLineStandIn();
  const twilio = await startTwilioStandIn({ accountSid: TWILIO_SID, authToken: 'bench-twilio-token', senders, callsPerSecond: 1, statusCallbacks: false });
  const env = parseEnv({ NODE_ENV: 'production', APP_SECRET: 'bench-secret-bench-secret-bench-secret', DATABASE_URL: `${pgBase}/${dbName}`, REDIS_URL: base.REDIS_URL, LOG_LEVEL: 'warn', LINE_CHANNEL_SECRET: 'bench', LINE_CHANNEL_ACCESS_TOKEN: 'bench', LINE_API_BASE_URL: line.url,
    TWILIO_ACCOUNT_SID: TWILIO_SID, TWILIO_AUTH_TOKEN: 'bench-twilio-token', TWILIO_FROM_NUMBER: '+815000000000', TWILIO_API_BASE_URL: twilio.url, SMS_PER_SECOND: String(senders), CALLS_PER_SECOND: '1',
    ROUND_PREPARE_MINUTES: String(Math.max(leadSeconds / 60, 0)), ...(process.env.DISPATCH_CONCURRENCY ? { DISPATCH_CONCURRENCY: process.env.DISPATCH_CONCURRENCY } : {}) });
  const logger = createLogger({ level: 'warn', destination: process.stderr as never });
  const dbHandle = await createDb({ url: env.DATABASE_URL, max: 20 });
  const redis = createRedis(env.REDIS_URL, logger);
  const prefix = `bench-${randomBytes(3).toString('hex')}`;
  const jobs = new JobRunner({ redis, redisUrl: env.REDIS_URL, prefix, logger, jobs: ALL_JOBS });
  // The clock: from the tick's instant (--lead before the round time) on, it moves as this process's does,
  // so the tick's delayed multicasts and the dispatch workers see the time as in production.
  let clockFrom: { at: number; perf: number } | null = null;
  const now = () => (clockFrom ? new Date(clockFrom.at + performance.now() - clockFrom.perf) : at);
  const deps: Deps = { env, db: dbHandle.db, dbHandle, redis, jobs, logger, channels: botChannelWork, now };
  const pgCpu = new PgBackendCpu(dbName);
  try {
    await migrateDb(dbHandle);
    await ensureReferenceData(dbHandle.db);
    await ensureDefaultFlows(dbHandle.db);
    if (statements) await dbHandle.db.execute(sql`create extension if not exists pg_stat_statements`);
    const g0 = performance.now();
    await generatePersons(dbHandle.db, persons);
    if (smsPersons) await generatePersons(dbHandle.db, smsPersons, { channel: 'sms', from: persons + 1 });
    if (voicePersons) await generatePersons(dbHandle.db, voicePersons, { channel: 'voice', from: persons + smsPersons + 1 });
    const generateMs = performance.now() - g0;
    await dbHandle.db.execute(sql`vacuum analyze`);
    // As on a real morning: a round is far below autovacuum's analyze threshold of a table that
    // holds weeks of sessions, so only the tick's own refresh (session-statistics.ts) updates the
    // planner's picture. (In this fresh database autovacuum would analyze it during the lead.)
    await dbHandle.db.execute(sql`alter table check_sessions set (autovacuum_enabled = false)`);

    // Raw baselines, same run, same machine.
    const rawInsert = await insertRowsPerSecond(dbHandle, Math.min(persons, 200_000));
    const rawAddBulk = await addBulkJobsPerSecond(jobs, 20_000);

    const redisBefore = await redisUsedBytes(redis);
    const redisCpu0 = await redisCpuSeconds(redis);
    await pgCpu.sample(dbHandle.db);
    const load0 = os.loadavg();
    const cpu0 = process.cpuUsage();
    const tickStarted = performance.now();
    clockFrom = { at: at.getTime() - leadSeconds * 1000, perf: tickStarted };
    const tick = await runTick(deps, new Date(clockFrom.at));
    const enqueuedMs = performance.now() - tickStarted;
    const tickCpu = process.cpuUsage(cpu0);
    await pgCpu.sample(dbHandle.db);
    const tickPgCpu = pgCpu.total();
    // The round time, on this process's clock: the delayed multicasts come due then.
    const t0 = tickStarted + leadSeconds * 1000;
    const tickAfterRoundMs = Math.max(0, performance.now() - t0);
    if (statements) await dbHandle.db.execute(sql`select pg_stat_statements_reset(0, (select oid from pg_database where datname = current_database()), 0)`);
    const writes0 = await tableWrites(dbHandle.db);
    const cpuDispatch0 = process.cpuUsage();
    const redisAfterEnqueue = await redisUsedBytes(redis);
    const queues = ['dispatch-line', 'dispatch-sms', 'dispatch-voice'] as const;
    pgCpu.watching = true;
    jobs.startWorkers(deps, { queues: [...queues], scheduler: false });
    let peak = redisAfterEnqueue;
    let lastLineMs = 0;
    let lastSmsMs = 0;
    let lastCallMs = 0;
    const since = (at: number) => at - (performance.timeOrigin + t0);
    while (line.stats.recipients < persons || twilio.stats.messages < smsPersons || twilio.stats.calls < voicePersons) {
      await new Promise((r) => setTimeout(r, 200));
      peak = Math.max(peak, await redisUsedBytes(redis));
      await pgCpu.sample(dbHandle.db);
      if (!lastLineMs && line.stats.recipients >= persons) lastLineMs = since(line.stats.lastAcceptedAt!);
      for (const q of queues) {
        const failed = await jobs.queue(q).getJobCountByTypes('failed');
        if (failed > 0) throw new Error(`${failed} ${q} jobs failed`);
      }
    }
    if (!lastLineMs) lastLineMs = since(line.stats.lastAcceptedAt!);
    const dispatchCpu = process.cpuUsage(cpuDispatch0);
    await pgCpu.sample(dbHandle.db);
    pgCpu.watching = false;
    const roundPgCpu = pgCpu.total();
    const redisCpu1 = await redisCpuSeconds(redis);
    const load1 = os.loadavg();
    const firstAcceptedMs = line.stats.firstAcceptedAt ? since(line.stats.firstAcceptedAt) : null;
    const lastAt = (kind: 'message' | 'call') => twilio.records.filter((r) => r.kind === kind).reduce((m, r) => Math.max(m, r.at), 0);
    if (smsPersons) lastSmsMs = since(lastAt('message'));
    if (voicePersons) lastCallMs = since(lastAt('call'));
    const lastAcceptedMs = lastLineMs;
    // Let the last jobs record their sends before counting prompted sessions.
    for (const q of queues) while ((await jobs.queue(q).getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized')) > 0) await new Promise((r) => setTimeout(r, 100));
    const topStatements = statements ? await dispatchStatements(dbHandle.db) : [];
    const dispatchWrites = writesSince(writes0, await tableWrites(dbHandle.db));
    // A tick a minute later, in steady state: it must find nothing new, and cheaply.
    const s0 = performance.now();
    const second = await runTick(deps, new Date(at.getTime() + 60_000));
    const secondTickMs = performance.now() - s0;
    // The multicasts' sessions marked prompted as the ticks after the round do it (multicast-marks.ts), off the round's minute: its cost.
    await pgCpu.sample(dbHandle.db);
    const pgBeforeMarks = pgCpu.total();
    const m0 = performance.now();
    let marked = 0;
    for (let n = -1; n !== 0; ) marked += n = await markSentMulticasts(deps, new Date(at.getTime() + 15 * 60_000));
    const markMs = performance.now() - m0;
    await pgCpu.sample(dbHandle.db);
    const markPgCpu = pgCpu.total() - pgBeforeMarks;
    const [prompted] = await queryRows<{ n: number }>(dbHandle.db, sql`select count(*)::int as n from check_sessions where status = 'prompted'`);
    const figures = {
      bench: 'morning-round',
      ...machineInfo(),
      persons,
      generatePersonsSeconds: s(generateMs),
      sessionsCreated: tick.created,
      createSessionsSeconds: s(tick.ms.create),
      createSessionsPerSecond: Math.round(tick.created / (tick.ms.create / 1000)),
      leadSeconds,
      tickCpuSeconds: s((tickCpu.user + tickCpu.system) / 1000),
      tickPostgresCpuSeconds: Math.round(tickPgCpu * 100) / 100,
      tickFinishedAfterRoundSeconds: s(tickAfterRoundMs),
      firstLinePromptAcceptedSeconds: firstAcceptedMs === null ? null : s(firstAcceptedMs),
      // CPU per LINE recipient (ms): the tick (sessions, batches, next due), the dispatch (workers in this process), PostgreSQL backends of this database, Redis (whole server, shared).
      cpuMsPerRecipient: {
        tickNode: Math.round(((tickCpu.user + tickCpu.system) / 1000 / persons) * 1000) / 1000,
        tickPostgres: Math.round(((tickPgCpu * 1000) / persons) * 1000) / 1000,
        dispatchNode: Math.round(((dispatchCpu.user + dispatchCpu.system) / 1000 / persons) * 1000) / 1000,
        dispatchPostgres: Math.round((((roundPgCpu - tickPgCpu) * 1000) / persons) * 1000) / 1000,
        redisWholeServer: Math.round((((redisCpu1 - redisCpu0) * 1000) / persons) * 1000) / 1000,
      },
      loadAverage: { atTick: load0.map((l) => Math.round(l * 10) / 10), atEnd: load1.map((l) => Math.round(l * 10) / 10) },
      tickEnqueuedSeconds: s(enqueuedMs),
      tickStepsMs: tick.ms.steps,
      dispatchJobs: tick.dispatchJobs,
      nextTickSeconds: s(secondTickMs),
      nextTickCreated: second.created + second.resent + second.reminders,
      nextTickStepsMs: second.ms.steps,
      sessionsMarkedAfter: marked,
      markSeconds: s(markMs),
      markPostgresCpuMsPerRecipient: Math.round(((markPgCpu * 1000) / persons) * 1000) / 1000,
      roundTickStepsMs: tick.ms.steps,
      lastLinePromptAcceptedSeconds: s(lastAcceptedMs),
      linePromptsPerSecond: Math.round(persons / (lastAcceptedMs / 1000)),
      lineMulticastRequestsPerSecond: Math.round(line.stats.accepted / (lastAcceptedMs / 1000)),
      // LINE allows 200 multicast requests/s of ≤ 500 recipients: 100,000 prompts/s.
      shareOfLineMulticastLimit: Math.round((persons / (lastAcceptedMs / 1000) / (LINE_LIMITS.multicast * LINE_LIMITS.multicastRecipients)) * 1000) / 1000,
      smsPersons,
      smsAccepted: twilio.stats.messages,
      lastSmsAcceptedSeconds: s(lastSmsMs),
      smsPerSecond: smsPersons ? Math.round((smsPersons / (lastSmsMs / 1000)) * 10) / 10 : null,
      smsLimitPerSecond: senders,
      voicePersons,
      callsPlaced: twilio.stats.calls,
      lastCallPlacedSeconds: s(lastCallMs),
      twilio429: twilio.stats.rejected429,
      lineMulticastsAccepted: line.stats.accepted,
      lineRecipients: line.stats.recipients,
      line429: line.stats.rejected429,
      lineDuplicates: line.stats.duplicates,
      sessionsPrompted: prompted!.n,
      // Rows written during the dispatch (pg_stat_user_tables; works without pg_stat_statements).
      dispatchWrites,
      // Autovacuum's workers seen in this database during the dispatch (sampled every 200 ms): their CPU is in dispatch PostgreSQL.
      autovacuumDuringDispatch: [...pgCpu.autovacuum],
      redisBytesAfterEnqueue: redisAfterEnqueue - redisBefore,
      redisPeakBytesDuringRound: peak - redisBefore,
      rawInsertRowsPerSecond: rawInsert,
      rawAddBulkJobsPerSecond: rawAddBulk,
      lineMulticastLimitPerSecond: env.LINE_MULTICAST_PER_SECOND,
    };
    console.log(JSON.stringify(figures));
    if (statements) console.log(JSON.stringify({ dispatchStatements: topStatements }, null, 1));
    console.log(
      [
        `morning round for ${persons.toLocaleString()} people on LINE (${figures.cpus} CPUs, node ${figures.node}, ${figures.revision})`,
        `  sessions created: ${tick.created.toLocaleString()} in ${figures.createSessionsSeconds} s (${figures.createSessionsPerSecond.toLocaleString()}/s, one INSERT … SELECT)`,
        `  tick ${leadSeconds} s before the round (sessions + ${tick.dispatchJobs} multicast jobs enqueued with addBulk, delayed to the round time): ${figures.tickEnqueuedSeconds} s wall, ${figures.tickCpuSeconds} s Node CPU, ${figures.tickPostgresCpuSeconds} s PostgreSQL CPU; finished ${figures.tickFinishedAfterRoundSeconds} s after the round time; steps (s): ${Object.entries(tick.ms.steps).filter(([, ms]) => ms >= 1000).map(([k, ms]) => `${k} ${s(ms)}`).join(', ')}`,
        `  last LINE prompt accepted: ${figures.lastLinePromptAcceptedSeconds} s after the round time (first at ${figures.firstLinePromptAcceptedSeconds} s; ${line.stats.accepted} multicasts, ${line.stats.rejected429} × 429)`,
        `  CPU ms per LINE recipient: tick Node ${figures.cpuMsPerRecipient.tickNode}, tick PostgreSQL ${figures.cpuMsPerRecipient.tickPostgres}, dispatch Node ${figures.cpuMsPerRecipient.dispatchNode}, dispatch PostgreSQL ${figures.cpuMsPerRecipient.dispatchPostgres}, Redis (whole server) ${figures.cpuMsPerRecipient.redisWholeServer}`,
        `  load average (1, 5, 15 min): ${load0.map((l) => l.toFixed(1)).join(', ')} at the tick, ${load1.map((l) => l.toFixed(1)).join(', ')} at the end`,
        `  LINE prompts/s: ${figures.linePromptsPerSecond.toLocaleString()} (${figures.lineMulticastRequestsPerSecond} multicast requests/s; ${(figures.shareOfLineMulticastLimit * 100).toFixed(1)} % of LINE's 100,000 recipients/s, with LINE_MULTICAST_PER_SECOND ${figures.lineMulticastLimitPerSecond})`,
        `  SMS: ${twilio.stats.messages.toLocaleString()} prompts, last accepted at ${figures.lastSmsAcceptedSeconds} s (${figures.smsPerSecond}/s; limit ${senders} numbers × 1/s); calls: ${twilio.stats.calls} placed, last at ${figures.lastCallPlacedSeconds} s (Twilio: 1 call/s); ${twilio.stats.rejected429} × 429`,
        `  rows written during the dispatch: ${Object.entries(dispatchWrites).map(([t, w]) => `${t} ${w.inserted} inserted, ${w.updated} updated (${w.hotUpdated} HOT)`).join('; ')}`,
        `  autovacuum during the dispatch (sampled every 200 ms): ${figures.autovacuumDuringDispatch.join('; ') || 'none seen'}`,
        `  the next tick (nothing new to do): ${figures.nextTickSeconds} s`,
        `  the multicasts' sessions marked prompted after the round (as the ticks do it): ${marked.toLocaleString()} in ${figures.markSeconds} s, PostgreSQL ${figures.markPostgresCpuMsPerRecipient} ms CPU a recipient`,
        `  Redis used by the round: ${(figures.redisBytesAfterEnqueue / 2 ** 20).toFixed(1)} MiB queued, peak ${(figures.redisPeakBytesDuringRound / 2 ** 20).toFixed(1)} MiB`,
        `  raw: postgres.js multi-row insert ${rawInsert.toLocaleString()} rows/s, BullMQ addBulk ${rawAddBulk.toLocaleString()} jobs/s`,
      ].join('\n'),
    );
  } finally {
    await jobs.close();
    const keys = await redis.keys(`${prefix}:*`).catch(() => [] as string[]);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000)).catch(() => 0);
    redis.disconnect();
    await dbHandle.close();
    await line.close();
    await twilio.close();
    if (keep) console.log(`kept database ${dbName} (drop it when done)`);
    else await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

const WRITTEN_TABLES = ['check_sessions', 'line_multicasts', 'outbound_messages'] as const;
type TableWrites = Record<string, { inserted: number; updated: number; hotUpdated: number }>;

/**
 * Rows inserted and updated so far in the round's tables (pg_stat_user_tables). Backends
 * report their counts within 10 s of going idle (PostgreSQL 15), so the read waits that long first.
 */
async function tableWrites(db: Deps['db']): Promise<TableWrites> {
  await new Promise((r) => setTimeout(r, 11_000));
  await db.execute(sql`select pg_stat_clear_snapshot()`);
  const rows = await queryRows<{ relname: string; ins: number; upd: number; hot: number }>(
    db,
    sql`select relname, n_tup_ins::float8 as ins, n_tup_upd::float8 as upd, n_tup_hot_upd::float8 as hot from pg_stat_user_tables
        where relname in (${sql.join(WRITTEN_TABLES.map((t) => sql`${t}`), sql`, `)})`,
  );
  return Object.fromEntries(rows.map((r) => [r.relname, { inserted: r.ins, updated: r.upd, hotUpdated: r.hot }]));
}

function writesSince(before: TableWrites, after: TableWrites): TableWrites {
  const zero = { inserted: 0, updated: 0, hotUpdated: 0 };
  return Object.fromEntries(
    WRITTEN_TABLES.map((t) => {
      const a = after[t] ?? zero;
      const b = before[t] ?? zero;
      return [t, { inserted: a.inserted - b.inserted, updated: a.updated - b.updated, hotUpdated: a.hotUpdated - b.hotUpdated }];
    }),
  );
}

/** This database's statements since the reset, by total execution time (the bench's own sampling left out). */
async function dispatchStatements(db: Deps['db']) {
  return queryRows<{ calls: number; totalMs: number; rows: number; hit: number; read: number; dirtied: number; query: string }>(
    db,
    sql`select calls::int, round(total_exec_time::numeric, 1)::float8 as "totalMs", rows::int, shared_blks_hit::int as hit, shared_blks_read::int as read,
          shared_blks_dirtied::int as dirtied, left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 220) as query
        from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
          and query not like '%pg_stat_activity%' and query not like '%pg_stat_statements%'
        order by total_exec_time desc limit 15`,
  );
}

/** CPU seconds of this database's PostgreSQL backends, from /proc (summed over every backend seen between samples). */
class PgBackendCpu {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  /** What autovacuum's workers were doing in this database while `watching` (their activity, e.g. "autovacuum: VACUUM public.persons"). */
  readonly autovacuum = new Set<string>();
  watching = false;
  constructor(private readonly dbName: string) {}
  async sample(db: Deps['db']): Promise<void> {
    const rows = await queryRows<{ pid: number; worker: string; query: string }>(db, sql`select pid, backend_type as worker, query from pg_stat_activity where datname = ${this.dbName}`);
    for (const { pid, worker, query } of rows) {
      if (this.watching && worker === 'autovacuum worker') this.autovacuum.add(query);
      const cpu = cpuSecondsOf(pid);
      if (!this.first.has(pid)) this.first.set(pid, cpu);
      this.last.set(pid, Math.max(cpu, this.last.get(pid) ?? 0));
    }
  }
  total(): number {
    let n = 0;
    for (const [pid, f] of this.first) n += (this.last.get(pid) ?? f) - f;
    return n;
  }
}



main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
