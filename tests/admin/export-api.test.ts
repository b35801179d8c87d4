import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personSharedCentres } from '../../db/schema';
import { createApp } from '../../src/app';
import { safeCell } from '../../src/domain/reports/csv-stream';
import { createTestDeps, type TestDeps } from '../support/deps';
import { exportCsv } from '../../src/domain/reports/run-export';
import { auditRows, insertAnsweredCheck, insertCentres, insertPerson, staffActor } from './flows-reports-fixtures';
import { bearer, Client, makeStaff, makeToken } from './support';

const NOW = new Date('2026-03-10T03:00:00Z');
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let centres: Awaited<ReturnType<typeof insertCentres>>;
let asNurseA: ReturnType<typeof bearer>;
let asNation: ReturnType<typeof bearer>;

/** Rows of a simple CSV (our cells never contain newlines in these fixtures). */
const rowsOf = (text: string) => text.replace(/\r\n$/, '').split('\r\n');

beforeAll(async () => {
  deps = await createTestDeps({}, { now: () => NOW });
  app = createApp(deps);
  centres = await insertCentres(deps.db, '4');
  const { a, b } = centres;
  // 髙 and ① exist only in CP932 (Windows-31J), not in JIS X 0208 Shift_JIS.
  const a1 = await insertPerson(deps.db, a.id, { caseNumber: 'A-001', name: '髙橋 花子①', nameKana: 'タカハシ ハナコ', phone: '+819012345678', dateOfBirth: '1950-04-01' });
  await insertPerson(deps.db, a.id, { caseNumber: 'A-002', name: '=HYPERLINK("http://evil.example","x")', address: '@SUM(1+1)' });
  await insertPerson(deps.db, b.id, { caseNumber: 'B-001', name: '品川 次郎' });
  const shared = await insertPerson(deps.db, b.id, { caseNumber: 'B-002', name: '共有 三郎' });
  await deps.db.insert(personSharedCentres).values({ personId: shared.id, jurisdictionId: a.id });
  await insertAnsweredCheck(deps.db, a1.id, '2026-03-09', { value: 38.4, raw: '-38.4<script>alert(1)</script>' });
  const b1obs = await insertPerson(deps.db, b.id, { caseNumber: 'B-003', name: '観察 四郎' });
  await insertAnsweredCheck(deps.db, b1obs.id, '2026-03-09', { value: 36.5 });
  await makeStaff(deps, { email: 'nurse@export.jp', role: 'nurse', jurisdictionCode: a.code });
  await makeStaff(deps, { email: 'nation@export.jp', role: 'national_officer', jurisdictionCode: 'JP' });
  asNurseA = bearer(app, await makeToken(deps, 'nurse@export.jp'));
  asNation = bearer(app, await makeToken(deps, 'nation@export.jp'));
});
afterAll(async () => deps?.close());

describe('safeCell', () => {
  it('prefixes cells a spreadsheet would run as a formula', () => {
    expect(['=1+1', '+81', '-2', '@A1', '\tx', '\rx', 'ok', '', null, 3].map(safeCell)).toEqual(["'=1+1", "'+81", "'-2", "'@A1", "'\tx", "'\rx", 'ok', '', '', '3']);
  });
});

describe('GET /api/v1/export/persons.csv', () => {
  it("gives a nurse of centre A Shift_JIS (CP932) with A's persons and those shared with A — never B's own", async () => {
    const res = await asNurseA('GET', '/api/v1/export/persons.csv?encoding=shift_jis');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=Shift_JIS');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="persons-20260310.csv"');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    const text = iconv.decode(bytes, 'cp932');
    const rows = rowsOf(text);
    expect(rows[0]).toContain('氏名');
    expect(rows[0]).toContain('整理番号');
    expect(rows).toHaveLength(4);
    expect(text).toContain('髙橋 花子①');
    expect(text).toContain('共有 三郎');
    expect(text).not.toContain('品川 次郎');
    expect(text).not.toContain('B-001');
    // Formula injection neutralised; phones in the domestic form staff read (issue 18), not E.164.
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(text).toContain("'@SUM(1+1)");
    expect(text).toContain(',090-1234-5678,');
    expect(text).not.toContain('+819012345678');
    expect(text).toContain('1950-04-01,75');
  });

  it('gives UTF-8 with a BOM by default, English headers on request, and audits the export without personal data', async () => {
    const res = await asNurseA('GET', '/api/v1/export/persons.csv?lang=en');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(rowsOf(text)[0]!.startsWith('Health centre code,Health centre,Case number,Name')).toBe(true);
    expect(text).toContain('Home recuperation');
    const audits = (await auditRows(deps.db, 'export')).filter((r) => r.entity === 'persons');
    expect(audits.length).toBeGreaterThanOrEqual(2);
    expect(audits.at(-1)!.details).toEqual({ rows: 3, encoding: 'utf-8', complete: true, from: null, to: null, identifiers: true });
    expect(JSON.stringify(audits)).not.toMatch(/髙橋|共有|\+8190/);
  });

  it('leaves personal identifiers out for the national level', async () => {
    const text = (await (await asNation('GET', '/api/v1/export/persons.csv')).text()).replace(/^\uFEFF/, '');
    const header = rowsOf(text)[0]!;
    expect(header).not.toContain('氏名');
    expect(header).not.toContain('電話番号');
    expect(header).toContain('年齢');
    expect(text).not.toContain('髙橋');
    expect(text).toContain('B-001');
  });

  it('answers 422 for an unknown encoding and 401 without credentials', async () => {
    const res = await asNurseA('GET', '/api/v1/export/persons.csv?encoding=latin1');
    expect(res.status).toBe(422);
    expect(((await res.json()) as { fields: { field: string }[] }).fields[0]!.field).toBe('encoding');
    expect((await app.request('/api/v1/export/persons.csv')).status).toBe(401);
  });

  it('works from the console with the session cookie (a plain GET link)', async () => {
    const browser = new Client(app);
    await browser.signIn('nurse@export.jp');
    const res = await browser.get('/api/v1/export/persons.csv?encoding=shift_jis');
    expect(res.status).toBe(200);
    expect(iconv.decode(Buffer.from(await res.arrayBuffer()), 'cp932')).toContain('髙橋 花子①');
  });
});

describe('GET /api/v1/export/observations.csv', () => {
  it('exports the observations in scope, with what the patient typed kept as text and formula-safe', async () => {
    const res = await asNurseA('GET', '/api/v1/export/observations.csv?encoding=shift_jis&from=2026-03-01&to=2026-03-10');
    expect(res.status).toBe(200);
    const text = iconv.decode(Buffer.from(await res.arrayBuffer()), 'cp932');
    const rows = rowsOf(text);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toBe('保健所コード,整理番号,氏名,観察日,回,項目,回答,単位,入力そのまま,回答状況,経路,観察日時');
    expect(rows[1]).toBe(`${centres.a.code},A-001,髙橋 花子①,2026-03-09,09:00,temperature,38.4,℃,'-38.4<script>alert(1)</script>,回答,LINE,2026-03-09 10:00:00`);
    expect(text).not.toContain('観察 四郎');
    const none = await asNurseA('GET', '/api/v1/export/observations.csv?from=2026-03-10');
    expect(rowsOf((await none.text()).replace(/^\uFEFF/, ''))).toHaveLength(1);
    expect((await asNurseA('GET', '/api/v1/export/observations.csv?from=yesterday')).status).toBe(422);
    const audit = (await auditRows(deps.db, 'export')).filter((r) => r.entity === 'observations');
    expect(audit[0]!.details).toMatchObject({ rows: 1, encoding: 'shift_jis', complete: true, from: '2026-03-01', to: '2026-03-10' });
  });
});

describe('reading in chunks', () => {
  const read = async (stream: NodeJS.ReadableStream) => {
    const parts: Buffer[] = [];
    for await (const c of stream) parts.push(c as Buffer);
    return Buffer.concat(parts).toString('utf8');
  };
  it('gives the same rows through keyset pages (the PGlite path) as through the cursor, across page boundaries', async () => {
    const actor = staffActor('national_officer', null);
    for (const kind of ['persons', 'observations'] as const) {
      const cursor = await read(exportCsv(deps, actor, undefined, { kind }, { mode: 'cursor', chunk: 2 }).stream);
      const keyset = await read(exportCsv(deps, actor, undefined, { kind }, { mode: 'keyset', chunk: 2 }).stream);
      expect(keyset).toBe(cursor);
      expect(rowsOf(keyset).length).toBeGreaterThan(kind === 'persons' ? 5 : 2);
    }
  });
});
