/**
 * Deletion after retention at scale: N persons whose monitoring ended long ago, each with
 * `--days` daily checks of 12 answers, a message a day, LINE and SMS channels and a note,
 * erased by the real jobs (retention.sweep → retention.erase batches of 200 on the
 * 'retention' queue, concurrency 1) while a nurse keeps loading console pages. Prints the
 * erase rate, the console's p50/p95 before and during, and a linear extrapolation to a
 * million persons (stated as such: it assumes the per-person cost stays flat).
 *   npm run bench -- retention-erase [--persons 10000] [--days 10] [--samples 30]
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { queryRows } from '../db/client';
import { parseArgs } from '../src/cli/command';
import { retentionSweepJob } from '../src/jobs/retention';
import { createBenchNurse, startBenchApp } from './support/bench-app';
import { signIn } from './support/console-client';
import { machineInfo } from './support/machine';

const args = parseArgs(process.argv.slice(2));
const persons = Number(args.flags.persons ?? 10_000);
const days = Number(args.flags.days ?? 10);
const samples = Number(args.flags.samples ?? 30);
const at = new Date('2026-12-01T03:00:00Z');
const step = (what: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${what}\n`);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

const bench = await startBenchApp({ env: { RETENTION_DAYS: '30' }, now: () => at });
const { deps } = bench;
try {
  step(`generating ${persons} ended persons with ${days} days of checks`);
  const t0 = performance.now();
  await deps.db.execute(sql`insert into jurisdictions (kind, parent_id, code, path, name_ja, name_en, time_zone)
    select 'health_centre', id, '13-ret', '/JP/13/13-ret/', '削除ベンチ保健所', 'Retention bench centre', 'Asia/Tokyo' from jurisdictions where code = '13' on conflict do nothing`);
  const chunk = 5_000;
  for (let from = 1; from <= persons; from += chunk) {
    const to = Math.min(persons, from + chunk - 1);
    await deps.db.execute(sql`
      with p as (
        insert into persons (case_number, name, name_kana, phone, address, responsible_centre_id, classification, status, monitoring_start, monitoring_actual_end)
        select 'R' || g, 'ベンチ 太郎' || g, 'ベンチ タロウ', '+8180' || lpad(g::text, 8, '0'), '東京都港区1-' || g, (select id from jurisdictions where code = '13-ret'),
               'confirmed', 'monitoring_ended', '2026-01-01', ${`2026-01-${String(1 + days).padStart(2, '0')}`}::date
        from generate_series(${from}::int, ${to}::int) g returning id, phone),
      ch as (insert into person_channels (person_id, kind, address, state) select p.id, k, case when k = 'line' then 'U' || md5(p.id::text) else p.phone end, 'verified' from p, (values ('line'), ('sms')) v(k)),
      n as (insert into person_notes (person_id, note) select p.id, '本人と電話。' || p.phone from p),
      s as (
        insert into check_sessions (person_id, flow_version_id, local_date, round, channel, status, source, due_at, expires_at, completed_at, state)
        select p.id, (select id from flow_versions where status = 'published' limit 1), '2026-01-01'::date + d, '09:00', 'line', 'completed', 'schedule',
               ('2026-01-01'::date + d)::timestamptz, ('2026-01-01'::date + d + 1)::timestamptz, ('2026-01-01'::date + d)::timestamptz, '{"answers":{}}'::jsonb
        from p, generate_series(0, ${days - 1}::int) d returning id, person_id),
      m as (insert into outbound_messages (person_id, session_id, channel, kind, retry_key, status, body) select s.person_id, s.id, 'line', 'prompt', 'b:' || s.id, 'delivered', '{"text":"体温を教えてください"}'::jsonb from s)
      insert into observations (person_id, session_id, question_id, kind, value_number, raw, status, channel, observed_at)
      select s.person_id, s.id, 'q' || q, 'number', 36.5, '36.5', 'answered', 'line', now() from s, generate_series(1, 12) q`);
    step(`  ${to} persons`);
  }
  await deps.db.execute(sql`analyze`);
  const genS = (performance.now() - t0) / 1000;
  const [rows] = await queryRows<{ obs: number; sessions: number }>(deps.db, sql`select (select count(*) from observations)::int as obs, (select count(*) from check_sessions)::int as sessions`);

  const nurse = await createBenchNurse(deps, '13-ret');
  const cookie = await signIn(bench.url, nurse.email, nurse.password);
  const page = async () => {
    const s = performance.now();
    const res = await fetch(`${bench.url}/admin/persons`, { headers: { cookie } });
    await res.text();
    if (res.status !== 200) throw new Error(`console answered ${res.status}`);
    return performance.now() - s;
  };
  for (let i = 0; i < 3; i++) await page();
  const idle: number[] = [];
  for (let i = 0; i < samples; i++) idle.push(await page());

  step('erasing with the retention jobs');
  const t1 = performance.now();
  await deps.jobs.trigger(retentionSweepJob, { day: '2026-12-01' }, { jobId: 'retention-sweep:bench' });
  deps.jobs.startWorkers(deps, { scheduler: false, queues: ['retention'] });
  const during: number[] = [];
  let done = false;
  const watcher = (async () => {
    for (;;) {
      const c = await deps.jobs.queue('retention').getJobCounts('waiting', 'active', 'delayed');
      const [e] = await queryRows<{ n: number }>(deps.db, sql`select count(*)::int as n from person_erasures`);
      if (e!.n >= persons && (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    done = true;
  })();
  while (!done) {
    during.push(await page());
    await new Promise((r) => setTimeout(r, 100));
  }
  await watcher;
  const eraseS = (performance.now() - t1) / 1000;
  const perSecond = persons / eraseS;
  const result = {
    bench: 'retention-erase', ...machineInfo(), persons, days, observations: rows!.obs, sessions: rows!.sessions,
    generateSeconds: Math.round(genS), eraseSeconds: Math.round(eraseS * 10) / 10, personsPerSecond: Math.round(perSecond),
    consoleIdleMs: { p50: Math.round(pct(idle, 50)), p95: Math.round(pct(idle, 95)) },
    consoleDuringMs: { p50: Math.round(pct(during, 50)), p95: Math.round(pct(during, 95)), samples: during.length },
    millionPersonsHoursLinear: Math.round((1_000_000 / perSecond / 3600) * 10) / 10,
  };
  console.log(JSON.stringify(result));
  console.log(`erased ${persons} persons (${rows!.obs} observations) in ${result.eraseSeconds} s = ${result.personsPerSecond}/s; console list page p50/p95 ${result.consoleIdleMs.p50}/${result.consoleIdleMs.p95} ms idle, ${result.consoleDuringMs.p50}/${result.consoleDuringMs.p95} ms during; a million persons at this rate: ${result.millionPersonsHoursLinear} h (linear extrapolation)`);
} finally {
  await bench.close();
}
