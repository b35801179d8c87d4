/**
 * Bulk import end to end: a line list of N rows (Shift_JIS CSV as Excel saves it, Japanese
 * headers, era birth dates, IME dashes in phone numbers) uploaded to the real app over HTTP
 * (POST /api/v1/imports/persons, multipart, a nurse's bearer token), imported by the real
 * job in a worker of this process, polled with GET /api/v1/imports/{id} until done. Prints
 * the wall time, rows/s and the process's memory (RSS and heap) sampled while the rows go
 * in — flat memory means the peak does not grow with N. Prints figures; never a timed test.
 * Run: npx tsx bench/import.ts [--rows 10000] [--rows 100000]
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { jurisdictions } from '../db/schema';
import { eq } from 'drizzle-orm';
import { parseArgs } from '../src/cli/command';
import { loadEnv } from '../src/config/env';
import { systemActor, withTransaction } from '../src/domain/context';
import { createApiToken } from '../src/domain/staff/create-api-token';
import { lineListCsv } from '../tests/support/line-list';
import { createBenchNurse, startBenchApp } from './support/bench-app';
import { machineInfo } from './support/machine';

const args = parseArgs(process.argv.slice(2));
const rows = Number(args.flags.rows ?? 10_000);
const mb = (b: number) => Math.round(b / 2 ** 20);

async function main() {
  const base = loadEnv();
  const app = await startBenchApp({ env: { REDIS_URL: base.REDIS_URL }, workers: true });
  try {
    const [pref] = await app.deps.db.select().from(jurisdictions).where(eq(jurisdictions.code, '13'));
    const code = `13-9${randomBytes(1).toString('hex')}`;
    await app.deps.db.insert(jurisdictions).values({ kind: 'health_centre', parentId: pref!.id, code, path: `${pref!.path}${code}/`, nameJa: 'ベンチ保健所', nameEn: 'Bench health centre', phone: '03-0000-0000' });
    const nurse = await createBenchNurse(app.deps, code);
    const { token } = await withTransaction(app.deps.db, { actor: systemActor('bench'), now: new Date() }, (ctx) => createApiToken({ ctx, input: { staffEmail: nurse.email, name: 'bench' } }));
    const file = lineListCsv(rows, { prefix: 'BENCH', bad: { 7: 'date', [Math.floor(rows / 2)]: 'phone' } });
    global.gc?.();
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    const samples: { processed: number; rssMiB: number; heapMiB: number }[] = [];
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 100);

    const t0 = performance.now();
    const form = new FormData();
    form.set('file', new File([new Uint8Array(file)], 'line-list.csv', { type: 'text/csv' }));
    const res = await fetch(`${app.url}/api/v1/imports/persons`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    const acceptedMs = performance.now() - t0;
    let state: { status: string; processed: number; total: number; created: number; failed: number };
    let nextDecile = 0.1;
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      state = await (await fetch(`${app.url}/api/v1/imports/${id}`, { headers: { authorization: `Bearer ${token}` } })).json();
      if (state.processed >= nextDecile * rows) {
        const m = process.memoryUsage();
        samples.push({ processed: state.processed, rssMiB: mb(m.rss), heapMiB: mb(m.heapUsed) });
        nextDecile += 0.1;
      }
      if (state.status === 'done' || state.status === 'failed') break;
    }
    const wallMs = performance.now() - t0;
    clearInterval(sampler);
    const figures = {
      bench: 'import', ...machineInfo(), rows, fileMiB: Math.round((file.length / 2 ** 20) * 10) / 10, status: state.status, created: state.created, failed: state.failed,
      acceptedMs: Math.round(acceptedMs), wallSeconds: Math.round(wallMs / 100) / 10, rowsPerSecond: Math.round(rows / (wallMs / 1000)),
      rssBeforeMiB: mb(before.rss), rssPeakMiB: mb(peakRss), heapBeforeMiB: mb(before.heapUsed), heapPeakMiB: mb(peakHeap), samples,
    };
    console.log(JSON.stringify(figures));
    console.log(`import: ${rows.toLocaleString('en')} rows (${figures.fileMiB} MiB Shift_JIS CSV) in ${figures.wallSeconds} s end to end (${figures.rowsPerSecond} rows/s); upload accepted in ${figures.acceptedMs} ms`);
    console.log(`  created ${state.created}, refused ${state.failed}; memory: RSS ${figures.rssBeforeMiB} → peak ${figures.rssPeakMiB} MiB, heap ${figures.heapBeforeMiB} → peak ${figures.heapPeakMiB} MiB`);
  } finally {
    await app.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
