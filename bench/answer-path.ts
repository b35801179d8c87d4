/**
 * The answer path alone, on one process: stored LINE answers (inbox rows, as the webhook
 * intake leaves them) → processLineInbound (the inbound job's handler: sender lock,
 * answerCheck, engine, observations, alerts, outbox) → the reply accepted by the LINE
 * stand-in. No HTTP intake and no queue in between: this is what one worker process can
 * judge and answer per second, and how many SQL statements each answer costs (counted on
 * the wire by the postgres driver's debug hook).
 * With --batch N (INBOUND_BATCH_SIZE, default 50) a job takes the waiting answers of up to N
 * senders in one transaction; every stored event gets its job (as the intake enqueues
 * them), and a job whose event a batch took is skipped, as the batch drops it from the
 * queue (a job already started costs one statement). CPU per answer: this process
 * (process.cpuUsage) and the database's PostgreSQL backends (/proc), with the load average.
 * With --pgss, pg_stat_statements of the bench database is reset before each round and its
 * statements printed after it (calls, server time, rows, blocks and WAL per answer).
 * Run: npm run bench -- answer-path [--persons 2000] [--concurrency 32] [--batch 50] [--pgss] [--statements]
 */
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { createDb } from '../db/client';
import { lineInboxRows } from '../src/bot/line/intake';
import { createInboxWriter } from '../src/bot/intake/inbox-writer';
import { processLineInbound } from '../src/bot/line/process-inbound';
import { parseArgs } from '../src/cli/command';
import { runTick } from '../src/jobs/tick';
import { startBenchApp } from './support/bench-app';
import { cpuSecondsOf } from './support/cpu';
import { machineInfo } from './support/machine';
import { pgStatements } from './support/pg-statements';
import { generatePersons } from './support/round-data';
import { lineTextEvent, startLineStandIn } from './stand-ins/line-api';

const args = parseArgs(process.argv.slice(2));
const persons = Number(args.flags.persons ?? 2000);
const concurrency = Number(args.flags.concurrency ?? 32);
const batch = Number(args.flags.batch ?? 50);
const pgss = Boolean(args.flags.pgss);
const showStatements = Boolean(args.flags.statements);
const SECRET = 'bench-answer-path';
const at = Date.parse('2026-12-01T00:00:00Z'); // 09:00 in Tokyo
const started = Date.now();
const now = () => new Date(at + (Date.now() - started));
// The close-contact check: a temperature, then a yes/no question; 1 % answer the second with
// はい (short of breath: a red alert), as in the morning burst.
const ROUNDS = [{ name: 'temperature (typed)', text: () => '36.6' }, { name: 'yes/no (typed; 1 % red)', text: (i: number) => (i % 100 === 0 ? 'はい' : 'いいえ') }];
const step = (what: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${what}\n`);


async function pool<T>(items: readonly T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

async function main() {
  const line = await startLineStandIn({ channelSecret: SECRET, recordDeliveries: false, recordRecipients: false });
  const app = await startBenchApp({ now, workers: false, env: { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: 'bench', LINE_API_BASE_URL: line.url, INBOUND_CONCURRENCY: String(concurrency), INBOUND_BATCH_SIZE: String(batch) } });
  const { deps } = app;
  const statements: string[] = [];
  // Before the measured pool connects: its sessions then track planning too.
  const stats = pgss ? await pgStatements(deps.db) : null;
  const counted = await createDb({ url: deps.env.DATABASE_URL, max: 10, onStatement: (q) => statements.push(q) });
  const worker = { ...deps, db: counted.db, dbHandle: counted };
  try {
    step(`generating ${persons} LINE persons`);
    await generatePersons(deps.db, persons, { channel: 'line' });
    await deps.db.execute(sql`analyze`);
    step('the round: sessions created, prompts multicast');
    deps.jobs.startWorkers(deps, { queues: ['dispatch-line'], scheduler: false });
    await runTick(deps, now());
    while (line.stats.recipients < persons) await new Promise((r) => setTimeout(r, 100));
    const users = (await deps.db.execute(sql`select address from person_channels where kind = 'line' order by address`)) as unknown as { address: string }[];
    const writer = createInboxWriter(deps.db, deps.jobs);
    const results: { round: string; answers: number; seconds: number; perSecond: number; statementsPerAnswer: number; replies: number; nodeCpuMsPerAnswer: number; postgresCpuMsPerAnswer: number; load1m: number }[] = [];
    const backends = async () => ((await deps.db.execute(sql`select pid from pg_stat_activity where datname = current_database()`)) as unknown as { pid: number }[]).map((r) => Number(r.pid));
    const pgCpu = (pids: number[]) => pids.reduce((n, pid) => n + cpuSecondsOf(pid), 0);
    for (const round of ROUNDS) {
      const events = users.map((u, i) => lineTextEvent(u.address, round.text(i), now().getTime()));
      const stored = await writer.store(await lineInboxRows({ destination: 'U0', events } as never, now()));
      const ids = stored.map((s) => s.id);
      const repliesBefore = line.stats.accepted;
      statements.length = 0;
      await counted.db.execute(sql`select 1`); // warm every connection's type cache is not the answers' cost
      statements.length = 0;
      step(`${round.name}: ${ids.length} answers, ${concurrency} at a time`);
      await stats?.reset();
      const pids = await backends();
      const pg0 = pgCpu(pids);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      // A job whose event another job's batch handled is dropped from the queue by that job
      // (discardWaiting); here likewise, it is not run.
      const handled = new Set<string>();
      await pool(ids, concurrency, async (id) => {
        if (handled.has(id)) return;
        for (const h of (await processLineInbound(worker, id)).handledEventIds) handled.add(h);
      });
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      // Connections the pool opened during the round count from their start.
      const pg1 = pgCpu([...new Set([...pids, ...(await backends())])]);
      if (showStatements) printStatementShapes(statements, ids.length);
      if (stats) {
        const top = await stats.top(ids.length);
        console.log(`pg_stat_statements, ${round.name}: ${top.callsPerAnswer} statements/answer, ${top.totalExecMsPerAnswer} ms execution + ${top.totalPlanMsPerAnswer} ms planning/answer`);
        console.table(top.statements);
      }
      results.push({
        round: round.name,
        answers: ids.length,
        seconds: Number(seconds.toFixed(2)),
        perSecond: Math.round(ids.length / seconds),
        statementsPerAnswer: Number((statements.length / ids.length).toFixed(2)),
        replies: line.stats.accepted - repliesBefore,
        // This process includes the LINE stand-in answering the replies (an upper bound for the worker).
        nodeCpuMsPerAnswer: Number(((cpu.user + cpu.system) / 1000 / ids.length).toFixed(2)),
        postgresCpuMsPerAnswer: Number((((pg1 - pg0) * 1000) / ids.length).toFixed(2)),
        load1m: Number(os.loadavg()[0]!.toFixed(1)),
      });
    }
    const [alerts] = (await deps.db.execute(sql`select count(*)::int as n from alerts`)) as unknown as { n: number }[];
    console.log(JSON.stringify({ bench: 'answer-path', ...machineInfo(), persons, concurrency, batch, results, alerts: alerts?.n }));
    console.log(`answer-path: ${persons} persons, ${concurrency} jobs at a time, batch ${batch}, one process (${machineInfo().cpus} CPUs, revision ${machineInfo().revision})`);
    for (const r of results) console.log(`  ${r.round}: ${r.answers} answers in ${r.seconds} s = ${r.perSecond} answers/s (load ${r.load1m}), ${r.statementsPerAnswer} statements/answer, CPU ms/answer Node ${r.nodeCpuMsPerAnswer} (with the stand-in), PostgreSQL ${r.postgresCpuMsPerAnswer}; ${r.replies} replies accepted`);
    console.log(`  alerts raised: ${alerts?.n}`);
  } finally {
    await counted.close();
    await app.close();
    await line.close();
  }
}

/** --statements: each statement's shape (its first 110 characters) and how often an answer sent it. */
function printStatementShapes(statements: readonly string[], answers: number): void {
  const counts = new Map<string, number>();
  for (const q of statements) {
    const shape = q.replace(/\s+/g, ' ').slice(0, 110);
    counts.set(shape, (counts.get(shape) ?? 0) + 1);
  }
  const rows = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 30);
  console.table(rows.map(([shape, n]) => ({ perAnswer: Number((n / answers).toFixed(3)), shape })));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
