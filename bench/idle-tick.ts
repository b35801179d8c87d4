/**
 * The tick when nothing is due, at N persons under monitoring on LINE (one Tokyo centre,
 * one round at 09:00): persons generated in a fresh database, the 09:00 round created by a
 * real tick (its multicast jobs enqueued on a scratch queue prefix, never sent), every
 * session then marked prompted with its reminder at 09:30 as the dispatch job would. Then:
 *  - idle ticks before the round (08:00 … 08:02): nothing due, no session today yet;
 *  - idle ticks after it (09:05 … 09:07): sessions open, reminders not yet due.
 * Prints the median and least wall time of each kind (five ticks each) and the time of every step of the tick
 * (TickSummary.ms.steps), with the machine and the revision. Never a timed test.
 * Run: npx tsx bench/idle-tick.ts [--persons 100000] [--pg postgres://postgres@127.0.0.1:5432] [--keep] [--db <existing database>]
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createDb, migrateDb, queryRows } from '../db/client';
import { botChannelWork } from '../src/bot/channel-work';
import { ensureReferenceData } from '../db/seed/reference-data';
import { parseArgs } from '../src/cli/command';
import { loadEnv, parseEnv } from '../src/config/env';
import type { Deps } from '../src/deps';
import { ensureDefaultFlows } from '../src/domain/flows/ensure-default-flows';
import { ALL_JOBS } from '../src/jobs/registry';
import { JobRunner } from '../src/jobs/runner';
import { runTick, type TickSummary } from '../src/jobs/tick';
import { createLogger } from '../src/platform/logger';
import { createRedis } from '../src/platform/redis';
import { machineInfo } from './support/machine';
import { generatePersons } from './support/round-data';

const args = parseArgs(process.argv.slice(2));
const persons = Number(args.flags.persons ?? 100_000);
const pgBase = String(args.flags.pg ?? 'postgres://postgres@127.0.0.1:5432');
const reuse = args.flags.db ? String(args.flags.db) : null;
const keep = Boolean(args.flags.keep) || Boolean(reuse);
const base = loadEnv();
const round = new Date('2026-12-01T00:00:00Z'); // 09:00 in Tokyo
const MIN = 60_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const dbName = reuse ?? `mimamori_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(`${pgBase}/postgres`, { max: 1, onnotice: () => {} });
  if (!reuse) await admin.unsafe(`create database ${dbName}`);
  const env = parseEnv({ NODE_ENV: 'production', APP_SECRET: 'bench-secret-bench-secret-bench-secret', DATABASE_URL: `${pgBase}/${dbName}`, REDIS_URL: base.REDIS_URL, LOG_LEVEL: 'warn', LINE_CHANNEL_SECRET: 'bench', LINE_CHANNEL_ACCESS_TOKEN: 'bench', LINE_API_BASE_URL: 'http://127.0.0.1:9' });
  const logger = createLogger({ level: 'warn', destination: process.stderr as never });
  const dbHandle = await createDb({ url: env.DATABASE_URL, max: 10 });
  const redis = createRedis(env.REDIS_URL, logger);
  const prefix = `bench-${randomBytes(3).toString('hex')}`;
  const jobs = new JobRunner({ redis, redisUrl: env.REDIS_URL, prefix, logger, jobs: ALL_JOBS });
  let clock = round;
  const deps: Deps = { env, db: dbHandle.db, dbHandle, redis, jobs, logger, channels: botChannelWork, now: () => clock };
  const tick = async (at: Date): Promise<{ ms: number; summary: TickSummary }> => {
    clock = at;
    const t = performance.now();
    const summary = await runTick(deps, at);
    return { ms: performance.now() - t, summary };
  };
  try {
    await migrateDb(dbHandle);
    let generateMs = 0;
    let roundMs = 0;
    if (!reuse) {
      await ensureReferenceData(dbHandle.db);
      await ensureDefaultFlows(dbHandle.db);
      const g0 = performance.now();
      await generatePersons(dbHandle.db, persons);
      generateMs = performance.now() - g0;
      await dbHandle.db.execute(sql`vacuum analyze`);
    } else {
      // A kept database: back to the state before the round.
      await dbHandle.db.execute(sql`delete from check_sessions`);
      await dbHandle.db.execute(sql`update person_due set next_due_at = '-infinity'`);
      await dbHandle.db.execute(sql`vacuum analyze`);
    }
    const [{ n }] = (await queryRows<{ n: number }>(dbHandle.db, sql`select count(*)::int as n from persons`)) as [{ n: number }];

    // The first tick after the data arrived looks at everyone once (what is new is due).
    const first = await tick(new Date(round.getTime() - 61 * MIN));
    // As autovacuum does soon after (person_due: a threshold of 10,000 rows, migration 0022).
    await dbHandle.db.execute(sql`vacuum analyze person_due`);
    const before: number[] = [];
    let beforeSteps: Record<string, number> = {};
    for (let i = 0; i < 5; i++) {
      const r = await tick(new Date(round.getTime() - (60 - i) * MIN));
      if (r.summary.created) throw new Error('an idle tick created sessions');
      before.push(r.ms);
      beforeSteps = r.summary.ms.steps;
    }
    const r0 = await tick(round);
    roundMs = r0.ms;
    // As the dispatch jobs would: prompted now, the reminder due in 30 minutes.
    await dbHandle.db.execute(sql`update check_sessions set status = 'prompted', prompted_at = ${round.toISOString()}::timestamptz, next_action_at = ${new Date(round.getTime() + 30 * MIN).toISOString()}::timestamptz where status = 'pending'`);
    // As autovacuum does in the minutes after a round (every person's next due time moved).
    await dbHandle.db.execute(sql`vacuum analyze check_sessions, person_due`);
    const after: number[] = [];
    let afterSteps: Record<string, number> = {};
    for (let i = 0; i < 5; i++) {
      const r = await tick(new Date(round.getTime() + (5 + i) * MIN));
      if (r.summary.created || r.summary.reminders) throw new Error('an idle tick found work');
      after.push(r.ms);
      afterSteps = r.summary.ms.steps;
    }
    const figures = {
      bench: 'idle-tick',
      ...machineInfo(),
      loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
      persons: n,
      generatePersonsSeconds: Math.round(generateMs / 100) / 10,
      firstTickMs: Math.round(first.ms),
      roundTickMs: Math.round(roundMs),
      roundTickStepsMs: r0.summary.ms.steps,
      sessionsCreated: r0.summary.created,
      idleTickBeforeRoundMs: Math.round(median(before)),
      idleTickAfterRoundMs: Math.round(median(after)),
      // The least disturbed by the other processes on the machine.
      idleTickBeforeRoundMinMs: Math.round(Math.min(...before)),
      idleTickAfterRoundMinMs: Math.round(Math.min(...after)),
      idleTicksBeforeRoundMs: before.map(Math.round),
      idleTicksAfterRoundMs: after.map(Math.round),
      stepsBeforeRoundMs: beforeSteps,
      stepsAfterRoundMs: afterSteps,
      database: keep ? dbName : null,
    };
    console.log(JSON.stringify(figures));
    const top = (steps: Record<string, number>) =>
      Object.entries(steps)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
    console.log(
      [
        `idle tick at ${n.toLocaleString()} persons (${figures.cpus} CPUs, load ${figures.loadAverage.join(' ')}, node ${figures.node}, ${figures.revision})`,
        `  idle tick before the round: ${figures.idleTickBeforeRoundMs} ms median, ${figures.idleTickBeforeRoundMinMs} ms min (${figures.idleTicksBeforeRoundMs.join(', ')}); slowest steps ms: ${top(beforeSteps)}`,
        `  idle tick after the round:  ${figures.idleTickAfterRoundMs} ms median, ${figures.idleTickAfterRoundMinMs} ms min (${figures.idleTicksAfterRoundMs.join(', ')}); slowest steps ms: ${top(afterSteps)}`,
        `  first tick over new data: ${figures.firstTickMs} ms; the round's tick (${r0.summary.created.toLocaleString()} sessions): ${figures.roundTickMs} ms; its slowest steps ms: ${top(r0.summary.ms.steps)}`,
      ].join('\n'),
    );
  } finally {
    await jobs.close();
    const keys = await redis.keys(`${prefix}:*`).catch(() => [] as string[]);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000)).catch(() => 0);
    redis.disconnect();
    await dbHandle.close();
    if (!keep) await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
