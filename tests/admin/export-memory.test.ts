import v8 from 'node:v8';
import vm from 'node:vm';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { auditRows, insertCentres } from './flows-reports-fixtures';
import { bearer, makeStaff, makeToken } from './support';

const ROWS = 100_000;
let deps: TestDeps;
let centres: Awaited<ReturnType<typeof insertCentres>>;

beforeAll(async () => {
  deps = await createTestDeps();
  centres = await insertCentres(deps.db, '5');
  // 100,000 generated persons in one statement (the export is what is measured, not the insert).
  await deps.db.execute(sql`
    insert into persons (case_number, name, name_kana, phone, address, classification, status, responsible_centre_id, risk_factors, date_of_birth)
    select 'M-' || lpad(g::text, 6, '0'), '見守 太郎' || g, 'ミマモリ タロウ', '+8190' || lpad(g::text, 8, '0'), '東京都港区芝公園' || g || '丁目',
      'confirmed', 'home_recuperation', ${centres.a.id}::uuid, '["age65","underlying_condition"]'::jsonb, date '1950-01-01' + (g % 20000)
    from generate_series(1, ${ROWS}) g`);
  await deps.db.execute(sql`analyze persons`);
  await makeStaff(deps, { email: 'nurse@memory.jp', role: 'nurse', jurisdictionCode: centres.a.code });
}, 120_000);
afterAll(async () => deps?.close());

// A full GC before each heap sample, so the figure is what the export retains, not garbage
// not yet collected (the flag is set at run time: vitest's workers start without --expose-gc).
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

/** Reads a byte stream chunk by chunk, as a client would, sampling the retained heap every ~1 MB. */
async function drain(chunks: AsyncIterable<Uint8Array>) {
  let bytes = 0;
  let lines = 0;
  let peak = 0;
  let nextSample = 0;
  const base = heap();
  for await (const chunk of chunks) {
    bytes += chunk.byteLength;
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++;
    if (bytes >= nextSample) {
      peak = Math.max(peak, heap() - base);
      nextSample = bytes + 1_000_000;
    }
  }
  return { bytes, lines, peak };
}

describe('persons.csv with 100,000 rows', () => {
  it('streams through the API (postgres.js cursor) without the heap growing by more than 50 MB', async () => {
    const call = bearer(createApp(deps), await makeToken(deps, 'nurse@memory.jp'));
    const res = await call('GET', '/api/v1/export/persons.csv?encoding=shift_jis');
    expect(res.status).toBe(200);
    const viaHttp = await drain(res.body as unknown as AsyncIterable<Uint8Array>);
    expect(viaHttp.lines).toBe(ROWS + 1);
    // Each row is ~150 bytes in CP932; the whole file would be ~15 MB if held at once.
    expect(viaHttp.bytes).toBeGreaterThan(ROWS * 100);
    expect(viaHttp.peak).toBeLessThan(50 * 1024 * 1024);
    console.info(`persons.csv: ${ROWS} rows, ${(viaHttp.bytes / 1e6).toFixed(1)} MB, heap peak +${(viaHttp.peak / 1e6).toFixed(1)} MB`);
    const audit = (await auditRows(deps.db, 'export')).at(-1)!;
    expect(audit.details).toMatchObject({ rows: ROWS, complete: true });
  }, 120_000);

  it('stops reading when the client goes away, and audits the export as incomplete', async () => {
    const call = bearer(createApp(deps), await makeToken(deps, 'nurse@memory.jp'));
    const res = await call('GET', '/api/v1/export/persons.csv');
    const reader = res.body!.getReader();
    for (let i = 0; i < 3; i++) await reader.read();
    await reader.cancel();
    await expect
      .poll(async () => (await auditRows(deps.db, 'export')).at(-1)!.details, { timeout: 10_000 })
      .toMatchObject({ complete: false, encoding: 'utf-8' });
    const rows = (await auditRows(deps.db, 'export')).at(-1)!.details!.rows as number;
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(ROWS);
  }, 60_000);
});

describe('observations.csv with 100,000 rows', () => {
  it('streams person batch by person batch without the heap growing by more than 50 MB', async () => {
    // 10,000 of the persons answered one check each, ten answers a check.
    await deps.db.execute(sql`
      with s as (
        insert into check_sessions (person_id, flow_version_id, local_date, round, channel, status, due_at, expires_at, completed_at)
        select p.id, (select v.id from flow_versions v join flows f on f.id = v.flow_id where f.key = 'patient-daily' and v.status = 'published' limit 1),
          '2026-05-01', '09:00', 'line', 'completed', '2026-05-01T00:00:00Z', '2026-05-02T00:00:00Z', '2026-05-01T00:30:00Z'
        from persons p where p.case_number <= 'M-010000'
        returning id, person_id
      )
      insert into observations (person_id, session_id, question_id, kind, value_number, value, raw, status, channel, observed_at)
      select s.person_id, s.id, 'q' || k, 'number', 36 + k / 10.0, to_jsonb(36 + k / 10.0), (36 + k / 10.0)::text, 'answered', 'line', '2026-05-01T00:30:00Z'::timestamptz + k * interval '1 second'
      from s, generate_series(1, 10) k`);
    await deps.db.execute(sql`analyze`);
    const call = bearer(createApp(deps), await makeToken(deps, 'nurse@memory.jp'));
    const res = await call('GET', '/api/v1/export/observations.csv?encoding=shift_jis');
    expect(res.status).toBe(200);
    const viaHttp = await drain(res.body as unknown as AsyncIterable<Uint8Array>);
    expect(viaHttp.lines).toBe(ROWS + 1);
    expect(viaHttp.peak).toBeLessThan(50 * 1024 * 1024);
    console.info(`observations.csv: ${ROWS} rows, ${(viaHttp.bytes / 1e6).toFixed(1)} MB, heap peak +${(viaHttp.peak / 1e6).toFixed(1)} MB`);
    expect((await auditRows(deps.db, 'export')).at(-1)!.details).toMatchObject({ rows: ROWS, complete: true });
  }, 120_000);
});

