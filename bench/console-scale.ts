/**
 * The console at national scale: 1.5 million persons and 30 million observations in
 * PostgreSQL, and the pages a nurse, a prefecture officer (Tokyo) and a national officer
 * open all day, fetched over HTTP from the real app with a signed-in session: the alert
 * queue (/admin), the "not reported today" line list and a person's page. Then one
 * prefecture's observations as a streamed CSV, with the process's peak memory.
 * Not part of the default `npm run bench` (generating the data takes minutes):
 *   npm run bench -- console-scale [--persons 1500000] [--observations 30000000] [--samples 40] [--export-prefecture 22[,13]]
 * `--keep-database NAME` keeps the generated database; `--reuse-database NAME` measures it
 * again without generating (e.g. after changing a query or an index).
 */
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { parseArgs } from '../src/cli/command';
import { createBenchStaff, startBenchApp } from './support/bench-app';
import { signIn } from './support/console-client';
import { machineInfo } from './support/machine';
import { countNation, generateNation, type NationalData } from './support/national-data';

const args = parseArgs(process.argv.slice(2));
const persons = Number(args.flags.persons ?? 1_500_000);
const observations = Number(args.flags.observations ?? 30_000_000);
const samples = Number(args.flags.samples ?? 40);
const exportPrefectures = String(args.flags['export-prefecture'] ?? '22').split(',');
const at = new Date('2026-12-01T02:30:00Z'); // 11:30 in Tokyo: the 09:00 round is under way
const today = '2026-12-01';
const step = (what: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${what}\n`);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const ms = (x: number) => Math.round(x * 10) / 10;

interface Viewer { role: string; cookie: string; personIds: string[] }

async function timeGet(url: string, cookie: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
  const body = await res.text();
  const took = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${body.slice(0, 200)}`);
  return took;
}

/** p50/p95 of `samples` sequential fetches after three warm-ups; the person page takes a different person each time. */
async function measure(base: string, v: Viewer) {
  const pages: Record<string, (i: number) => string> = {
    alertQueue: () => `${base}/admin`,
    notReportedToday: () => `${base}/admin/persons?list=not_reported`,
    personPage: (i) => `${base}/admin/persons/${v.personIds[i % v.personIds.length]}`,
  };
  const out: Record<string, { p50: number; p95: number }> = {};
  for (const [name, url] of Object.entries(pages)) {
    for (let i = 0; i < 3; i++) await timeGet(url(samples + i), v.cookie);
    const times: number[] = [];
    for (let i = 0; i < samples; i++) times.push(await timeGet(url(i), v.cookie));
    out[name] = { p50: ms(pct(times, 50)), p95: ms(pct(times, 95)) };
  }
  return out;
}

// Retained heap is sampled after a full GC (the flag is set at run time, as in the tests).
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * Streams the CSV to nowhere, sampling the process's RSS every 50 ms and its retained heap
 * (after a full GC) every 5 MiB of CSV: the export must stay flat whatever the row count.
 */
async function exportCsv(base: string, cookie: string) {
  gc();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  let nextSample = 0;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const t0 = performance.now();
  const res = await fetch(`${base}/api/v1/export/observations.csv?encoding=shift_jis`, { headers: { cookie } });
  if (res.status !== 200 || !res.body) throw new Error(`the export answered ${res.status}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    if (bytes >= nextSample) {
      gc();
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      nextSample = bytes + 5 * 2 ** 20;
    }
  }
  clearInterval(timer);
  const seconds = (performance.now() - t0) / 1000;
  const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
  return { rows: lines - 1, mib: mib(bytes), seconds: Math.round(seconds * 10) / 10, rowsPerSecond: Math.round((lines - 1) / seconds), rssBeforeMiB: mib(before.rss), peakRssMiB: mib(peakRss), retainedHeapGrowthMiB: mib(peakHeap - before.heapUsed) };
}

async function main() {
  const keep = args.flags['keep-database'];
  const reuse = args.flags['reuse-database'];
  const name = typeof reuse === 'string' ? reuse : typeof keep === 'string' ? keep : undefined;
  const app = await startBenchApp({ now: () => at, ...(name ? { database: { name, keep: true } } : {}) });
  const { deps } = app;
  // One connection, so session settings (maintenance_work_mem) hold for the whole load.
  const pg = postgres(deps.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  try {
    let data: NationalData;
    if (typeof reuse === 'string') {
      data = await countNation(pg);
    } else {
      step(`generating ${persons.toLocaleString()} persons and about ${observations.toLocaleString()} observations`);
      data = await generateNation(pg, { persons, observations, today });
    }
    step(`data: ${JSON.stringify(data)}`);
    const [centre] = await pg<{ code: string; n: number }[]>`
      select j.code, count(*)::int as n from persons p join jurisdictions j on j.id = p.responsible_centre_id
      where j.code like '13-%' group by j.code order by count(*) limit 1 offset 10`;
    const prefecture = await pg<{ n: number }[]>`select count(*)::int as n from persons p join jurisdictions j on j.id = p.responsible_centre_id where j.path like '/JP/13/%'`;
    const viewers: Viewer[] = [];
    for (const [role, code, scope] of [['nurse', centre!.code, `/JP/13/${centre!.code}/`], ['prefecture_officer', '13', '/JP/13/'], ['national_officer', 'JP', '/JP/']] as const) {
      const user = await createBenchStaff(deps, role, code);
      const cookie = await signIn(app.url, user.email, user.password, user.totpSecret ? { secret: user.totpSecret, at } : undefined);
      const ids = await pg<{ id: string }[]>`
        select p.id from persons p join jurisdictions j on j.id = p.responsible_centre_id
        where j.path like ${scope + '%'} and p.status <> 'hospitalized' order by md5(p.id::text) limit ${samples + 3}`;
      viewers.push({ role, cookie, personIds: ids.map((r) => r.id) });
    }
    const results: Record<string, Record<string, { p50: number; p95: number }>> = {};
    for (const v of viewers) {
      step(`measuring as ${v.role}`);
      results[v.role] = await measure(app.url, v);
    }
    const exports = [];
    for (const prefectureCode of exportPrefectures) {
      step(`exporting prefecture ${prefectureCode}'s observations as Shift_JIS CSV`);
      const exporter = await createBenchStaff(deps, 'prefecture_officer', prefectureCode);
      const exportCookie = await signIn(app.url, exporter.email, exporter.password, { secret: exporter.totpSecret!, at });
      exports.push({ prefecture: prefectureCode, ...(await exportCsv(app.url, exportCookie)) });
    }
    const figures = {
      bench: 'console-scale',
      ...machineInfo(),
      loadAverage1m: os.loadavg()[0],
      ...data,
      nurseCentre: { code: centre!.code, persons: centre!.n },
      tokyoPersons: prefecture[0]!.n,
      samples,
      pages: results,
      exports,
    };
    console.log(JSON.stringify(figures));
    console.log(`\nconsole at national scale: ${data.persons.toLocaleString()} persons, ${data.observations.toLocaleString()} observations, ${data.openAlerts.toLocaleString()} open alerts, ${data.centres} centres (${figures.cpus} CPUs, node ${figures.node}, ${figures.revision})`);
    if (Object.keys(data.seconds).length) console.log(`  generated in ${Object.entries(data.seconds).map(([k, v]) => `${k} ${v} s`).join(', ')}`);
    console.log(`  nurse of ${centre!.code} (${centre!.n.toLocaleString()} persons), Tokyo officer (${figures.tokyoPersons.toLocaleString()}), national officer: p50 / p95 of ${samples} page loads`);
    for (const [role, r] of Object.entries(results)) {
      console.log(`  ${role.padEnd(20)} ${Object.entries(r).map(([k, v]) => `${k} ${v.p50} / ${v.p95} ms`).join('   ')}`);
    }
    for (const csv of exports) console.log(`  CSV export of prefecture ${csv.prefecture}: ${csv.rows.toLocaleString()} rows, ${csv.mib} MiB Shift_JIS in ${csv.seconds} s (${csv.rowsPerSecond.toLocaleString()} rows/s); process RSS ${csv.rssBeforeMiB} → peak ${csv.peakRssMiB} MiB, retained heap +${csv.retainedHeapGrowthMiB} MiB`);
  } finally {
    await pg.end();
    await app.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
