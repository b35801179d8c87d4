/**
 * The FHIR API (src/fhir) on generated national data: the p95 of
 *   GET /fhir/Observation?patient=…&code=http://loinc.org|8310-5
 * for a Tokyo backend client (SMART token, sequential fetches of different persons), and a
 * Bulk Data export of Tokyo's Observations (the fhir.export job in this process): resources
 * per second and the process's peak RSS while it runs.
 *   npm run bench -- fhir-api [--persons 100000] [--observations 2000000] [--samples 60]
 * `--gc-every S` (default 1): seconds between heap samples during the export, each a full GC
 * charged to the export's Node CPU; 0 = one sample after it.
 * `--keep-database NAME` / `--reuse-database NAME` as in console-scale (e.g. reuse that one's
 * 1.5 M persons: `--reuse-database NAME` after `console-scale --keep-database NAME`).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import postgres from 'postgres';
import { parseArgs } from '../src/cli/command';
import { systemActor, withTransaction } from '../src/domain/context';
import { createFhirClient } from '../src/domain/fhir/create-fhir-client';
import { startBenchApp } from './support/bench-app';
import { cpuSecondsOf } from './support/cpu';
import { machineInfo } from './support/machine';
import { countNation, generateNation, type NationalData } from './support/national-data';

const args = parseArgs(process.argv.slice(2));
const persons = Number(args.flags.persons ?? 100_000);
const observations = Number(args.flags.observations ?? 2_000_000);
const samples = Number(args.flags.samples ?? 60);
// Seconds between the export's heap samples (a full GC each, which costs Node CPU the export is charged with); 0: one sample at the end.
const gcEvery = Number(args.flags['gc-every'] ?? 1);
const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
const step = (what: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${what}\n`);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const ms = (x: number) => Math.round(x * 10) / 10;
const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
// Retained heap is sampled after a full GC (as console-scale does): RSS alone also counts garbage not yet collected.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * CPU seconds (user + system) the PostgreSQL backends of this database have used so far:
 * /proc/<pid>/stat of each (PostgreSQL on this machine), 100 ticks a second. The pools keep
 * their connections, so the difference over a phase is that phase's database CPU.
 */
async function pgCpuSeconds(pg: postgres.Sql): Promise<number> {
  const pids = await pg<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
  return pids.reduce((n, { pid }) => n + cpuSecondsOf(pid), 0);
}
const nodeCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function main() {
  const keep = args.flags['keep-database'];
  const reuse = args.flags['reuse-database'];
  const name = typeof reuse === 'string' ? reuse : typeof keep === 'string' ? keep : undefined;
  const app = await startBenchApp({ workers: true, ...(name ? { database: { name, keep: true } } : {}) });
  const { deps } = app;
  const pg = postgres(deps.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  try {
    let data: NationalData;
    if (typeof reuse === 'string') data = await countNation(pg);
    else {
      step(`generating ${persons.toLocaleString()} persons and about ${observations.toLocaleString()} observations`);
      data = await generateNation(pg, { persons, observations, today });
    }
    step(`data: ${JSON.stringify(data)}`);

    const { publicKey, privateKey } = await generateKeyPair('ES384');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES384' };
    const scope = 'system/Patient.rs system/Observation.rs';
    const { clientId } = await withTransaction(deps.db, { actor: systemActor('bench'), now: new Date() }, (ctx) => createFhirClient({ ctx, input: { name: 'bench', jurisdictionCode: '13', scope, jwks: { keys: [jwk] } } }));
    const token = async () => {
      const assertion = await new SignJWT({}).setProtectedHeader({ alg: 'ES384', kid: 'bench' }).setIssuer(clientId).setSubject(clientId).setAudience(`${deps.env.PUBLIC_BASE_URL}/oauth/token`).setJti(randomUUID()).setExpirationTime('4m').sign(privateKey);
      const res = await fetch(`${app.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion, scope }) });
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const auth = { authorization: `Bearer ${await token()}` };

    const ids = await pg<{ id: string }[]>`select p.id from persons p join jurisdictions j on j.id = p.responsible_centre_id where j.path like '/JP/13/%' order by md5(p.id::text) limit ${samples + 3}`;
    const times: number[] = [];
    let entries = 0;
    let searchNode0 = 0;
    let searchPg0 = 0;
    for (let i = 0; i < ids.length; i++) {
      if (i === 3) [searchNode0, searchPg0] = [nodeCpuSeconds(), await pgCpuSeconds(pg)];
      const t0 = performance.now();
      const res = await fetch(`${app.url}/fhir/Observation?patient=${ids[i]!.id}&code=http://loinc.org|8310-5`, { headers: auth });
      const body = (await res.json()) as { entry?: unknown[] };
      if (res.status !== 200) throw new Error(`search answered ${res.status}`);
      if (i >= 3) {
        times.push(performance.now() - t0);
        entries += body.entry?.length ?? 0;
      }
    }
    const searchCpu = { nodeMsPerRequest: ms(((nodeCpuSeconds() - searchNode0) * 1000) / times.length), pgMsPerRequest: ms((((await pgCpuSeconds(pg)) - searchPg0) * 1000) / times.length) };
    // The plan of the search's query for one sampled person (its predicates, order and limit; the jurisdiction filter left out).
    const plan = await pg.unsafe(
      `explain (analyze, buffers, format text) select o.* from observations o join persons p on p.id = o.person_id
       where o.status = 'answered' and o.kind <> 'text' and o.person_id = $1 and o.question_id in ('temperature', '')
       order by o.observed_at, o.id limit 101`,
      [ids[3]!.id],
    );
    const explain = plan.map((r) => (r as Record<string, string>)['QUERY PLAN']).join('\n');
    step(`EXPLAIN (ANALYZE, BUFFERS) of the search:\n${explain}`);
    step('exporting Tokyo\'s Observations');
    gc();
    const before = process.memoryUsage().rss;
    const heapBefore = process.memoryUsage().heapUsed;
    let peakRss = before;
    let peakHeap = heapBefore;
    const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const heapTimer = gcEvery > 0 ? setInterval(() => {
      gc();
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }, gcEvery * 1000) : undefined;
    const [exportNode0, exportPg0] = [nodeCpuSeconds(), await pgCpuSeconds(pg)];
    const t0 = performance.now();
    const kick = await fetch(`${app.url}/fhir/$export?_type=Observation`, { headers: { ...auth, prefer: 'respond-async' } });
    const status = kick.headers.get('content-location')!.replace(deps.env.PUBLIC_BASE_URL, app.url);
    let manifest: { output: { count: number }[] } | null = null;
    let auth2 = auth;
    while (!manifest) {
      await new Promise((r) => setTimeout(r, 250));
      let res = await fetch(status, { headers: auth2 });
      if (res.status === 401) res = await fetch(status, { headers: (auth2 = { authorization: `Bearer ${await token()}` }) });
      if (res.status === 200) manifest = (await res.json()) as { output: { count: number }[] };
      else if (res.status !== 202) throw new Error(`status answered ${res.status}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const [exportNode, exportPg] = [nodeCpuSeconds() - exportNode0, (await pgCpuSeconds(pg)) - exportPg0];
    clearInterval(timer);
    clearInterval(heapTimer);
    gc();
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    const exported = manifest.output.reduce((a, o) => a + o.count, 0);
    const figures = {
      bench: 'fhir-api',
      ...machineInfo(),
      loadAverage1m: os.loadavg()[0],
      ...data,
      observationSearch: { samples: times.length, meanEntries: Math.round((entries / times.length) * 10) / 10, p50: ms(pct(times, 50)), p95: ms(pct(times, 95)), ...searchCpu, explainExecutionMs: Number(/Execution Time: ([\d.]+)/.exec(explain)?.[1]) },
      export: {
        resources: exported,
        seconds: Math.round(seconds * 10) / 10,
        resourcesPerSecond: Math.round(exported / seconds),
        nodeCpuUsPerResource: ms((exportNode * 1e6) / exported),
        pgCpuUsPerResource: ms((exportPg * 1e6) / exported),
        // What the CPU time alone would allow on one core each (the rate on a quiet machine is bounded by the larger).
        gcEverySeconds: gcEvery,
        resourcesPerCpuSecond: { node: Math.round(exported / exportNode), postgres: Math.round(exported / exportPg) }, rssBeforeMiB: mib(before), peakRssMiB: mib(peakRss), retainedHeapGrowthMiB: mib(peakHeap - heapBefore) },
    };
    console.log(JSON.stringify(figures));
    console.log(`Observation search (temperature of one Tokyo person): p50 ${figures.observationSearch.p50} ms, p95 ${figures.observationSearch.p95} ms (load ${os.loadavg()[0]!.toFixed(1)}); CPU per request: Node ${searchCpu.nodeMsPerRequest} ms, PostgreSQL ${searchCpu.pgMsPerRequest} ms; EXPLAIN execution ${figures.observationSearch.explainExecutionMs} ms`);
    console.log(`$export of Tokyo's Observations: ${exported.toLocaleString()} resources in ${figures.export.seconds} s = ${figures.export.resourcesPerSecond.toLocaleString()}/s, RSS ${figures.export.rssBeforeMiB} → peak ${figures.export.peakRssMiB} MiB, retained heap +${figures.export.retainedHeapGrowthMiB} MiB; CPU per resource: Node ${figures.export.nodeCpuUsPerResource} µs, PostgreSQL ${figures.export.pgCpuUsPerResource} µs`);
  } finally {
    await pg.end();
    await app.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
