import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, auditLog, checkSessions, lineMulticasts, observations, personChannels, personImports, personMerges, personNotes, persons, staffUsers } from '../../db/schema';
import { withTransaction } from '../../src/domain/context';
import { inviteImportedPersons } from '../../src/domain/imports/invite-imported-persons';
import { importerActor } from '../../src/domain/imports/import-scope';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { lineListCsv } from '../support/line-list';
import { answerDailyCheck, dailyAnswers, makeAlert, makePerson } from './fixtures';
import { Client, ensureCentre, makeStaff, makeToken } from './support';
import { pdfText } from '../lifecycle/pdf-text';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let token: string;
let otherToken: string;

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  await ensureCentre(deps, '13-801');
  await ensureCentre(deps, '13-802');
  await makeStaff(deps, { email: 'imp@a.jp', role: 'nurse', jurisdictionCode: '13-801' });
  await makeStaff(deps, { email: 'imp@b.jp', role: 'nurse', jurisdictionCode: '13-802' });
  token = await makeToken(deps, 'imp@a.jp');
  otherToken = await makeToken(deps, 'imp@b.jp');
  deps.jobs.startWorkers(deps, { queues: ['imports'], scheduler: false });
});
afterAll(async () => {
  await deps?.close();
});

function upload(bytes: Buffer, fields: Record<string, string> = {}, name = 'list.csv', bearer = token) {
  const form = new FormData();
  form.set('file', new File([new Uint8Array(bytes)], name));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return app.request('/api/v1/imports/persons', { method: 'POST', body: form, headers: { authorization: `Bearer ${bearer}` } });
}
const get = (path: string, bearer = token) => app.request(path, { headers: { authorization: `Bearer ${bearer}` } });

async function until(id: string, status: string) {
  for (let i = 0; i < 600; i++) {
    const body = await (await get(`/api/v1/imports/${id}`)).json();
    if (body.status === status) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`import ${id} never reached ${status}`);
}

describe('POST /api/v1/imports/persons → GET /api/v1/imports/{id}', () => {
  it('accepts a multipart upload (202 { id }), runs it as a job and reports counts and refused rows', async () => {
    const res = await upload(lineListCsv(30, { prefix: 'API', bad: { 4: 'phone' } }));
    expect(res.status).toBe(202);
    const { id } = await res.json();
    const state = await until(id, 'done');
    expect(state).toMatchObject({ status: 'done', total: 30, created: 29, updated: 0, failed: 1, errors: [{ row: 6, field: 'phone', column: '電話番号' }] });
    expect(state.errors[0].messageJa).toMatch(/電話番号/);
    // The job carried the id only; the file is gone from the database once imported.
    const [row] = await deps.db.select().from(personImports).where(eq(personImports.id, id));
    expect(row!.fileData).toBeNull();
    const csv = await get(`/api/v1/imports/${id}/errors.csv`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(await csv.text()).toMatch(/\r\n6,電話番号,phone,/);
    // Another centre's nurse: not found.
    expect((await get(`/api/v1/imports/${id}`, otherToken)).status).toBe(404);
  }, 120_000);

  it('a dry run stores nothing', async () => {
    const { id } = await (await upload(lineListCsv(5, { prefix: 'DRY' }), { dryRun: 'true' })).json();
    const state = await until(id, 'done');
    expect(state).toMatchObject({ dryRun: true, created: 5 });
    expect(await deps.db.select().from(persons).where(eq(persons.caseNumber, 'DRY-000000'))).toEqual([]);
  }, 60_000);

  it('refuses bad files with a Japanese message and stores nothing', async () => {
    const before = (await deps.db.select().from(personImports)).length;
    const cases: [Buffer, string, RegExp][] = [
      [Buffer.alloc(0), 'empty.csv', /空/],
      [Buffer.from('事例番号,氏名\r\n'), 'head.csv', /見出し行/],
      [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), 'x.png', /CSV/],
      [Buffer.from('PK\u0003\u0004'), 'macro.xlsm', /マクロ/],
    ];
    for (const [bytes, name, ja] of cases) {
      const res = await upload(bytes, {}, name);
      expect(res.status, name).toBe(422);
      const body = await res.json();
      expect(body.fields[0].field).toBe('file');
      expect(body.messageJa).toMatch(ja);
    }
    const noFile = await app.request('/api/v1/imports/persons', { method: 'POST', body: new FormData(), headers: { authorization: `Bearer ${token}` } });
    expect(noFile.status).toBe(422);
    expect((await deps.db.select().from(personImports)).length).toBe(before);
  });

  it('refuses an upload over the body limit with 413', async () => {
    const res = await upload(Buffer.alloc(26 * 1024 * 1024, 0x61));
    expect(res.status).toBe(413);
    expect((await res.json()).messageJa).toMatch(/大きすぎ/);
  }, 60_000);

  it('is in the OpenAPI document as a multipart upload', async () => {
    const doc = await (await app.request('/api/v1/openapi.json')).json();
    expect(doc.paths['/imports/persons'].post.requestBody.content['multipart/form-data']).toBeDefined();
    expect(doc.paths['/imports/{id}'].get).toBeDefined();
  });
});

describe('possible duplicates and merging', () => {
  it('lists a new person with the same kana and birth date as an existing one; merging keeps observations, alerts, notes and channels', async () => {
    const existing = await makePerson(deps, '13-801', { caseNumber: 'OLD-1', name: '既存 花子', nameKana: 'キゾン ハナコ', dateOfBirth: '1950-01-02', phone: '090-7777-0001' });
    await answerDailyCheck(deps, existing, dailyAnswers('36.5', 'なし'));
    await makeAlert(deps, existing, { key: 'dup-test-old' });
    const csv = Buffer.from('事例番号,氏名,フリガナ,生年月日,電話番号,診断類型\r\nNEW-1,既存 花子,きぞん はなこ,昭和25年1月2日,090-7777-0002,患者\r\n', 'utf8');
    const { id } = await (await upload(csv)).json();
    await until(id, 'done');
    const dups = await (await get(`/api/v1/imports/${id}/duplicates`)).json();
    expect(dups.duplicates).toHaveLength(1);
    expect(dups.duplicates[0]).toMatchObject({ reasons: ['kana_and_birth_date'], person: { caseNumber: 'NEW-1' }, candidate: { id: existing, caseNumber: 'OLD-1' } });
    const newId = dups.duplicates[0].person.id as string;
    await answerDailyCheck(deps, newId, dailyAnswers('37.9', 'せき'));
    await makeAlert(deps, newId, { key: 'dup-test-new' });
    // A round's LINE multicast named the new person (one row for all its recipients, line_multicasts).
    const [newSession] = await deps.db.select().from(checkSessions).where(eq(checkSessions.personId, newId));
    const otherPerson = '00000000-0000-4000-8000-0000000000aa';
    await deps.db.insert(lineMulticasts).values({ kind: 'prompt', retryKey: 'dup-test-multicast', personIds: [otherPerson, newId], sessionIds: [otherPerson, newSession!.id], status: 'sent' });

    const res = await app.request(`/api/v1/duplicates/${dups.duplicates[0].id}`, { method: 'POST', body: JSON.stringify({ decision: 'merge' }), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(await deps.db.select().from(persons).where(eq(persons.id, newId))).toEqual([]);
    expect(await deps.db.select().from(alerts).where(eq(alerts.personId, existing))).toHaveLength(2);
    const sessions = await deps.db.select().from(checkSessions).where(eq(checkSessions.personId, existing));
    expect(sessions).toHaveLength(2); // the same day and round: both kept, one renamed
    expect((await deps.db.select().from(observations).where(eq(observations.personId, existing))).length).toBeGreaterThan(20);
    const notes = await deps.db.select().from(personNotes).where(eq(personNotes.personId, existing));
    expect(notes.map((n) => n.note).join('\n')).toMatch(/NEW-1.*統合|SMS連絡先: \+819077770002/s);
    expect(await deps.db.select().from(personChannels).where(and(eq(personChannels.personId, existing), eq(personChannels.kind, 'sms')))).toHaveLength(1);
    expect(await deps.db.select().from(personMerges).where(eq(personMerges.keptPersonId, existing))).toMatchObject([{ mergedPersonId: newId, mergedCaseNumber: 'NEW-1' }]);
    // The multicast now names the kept person in the merged one's place (their contact log shows it).
    expect((await deps.db.select().from(lineMulticasts).where(eq(lineMulticasts.retryKey, 'dup-test-multicast')))[0]!.personIds).toEqual([otherPerson, existing]);
    // The merged person's audit rows are all still there (append-only), and the merge is one more.
    const audits = await deps.db.select().from(auditLog).where(eq(auditLog.personId, newId));
    expect(audits.map((a) => a.action)).toEqual(expect.arrayContaining(['create', 'merged_into']));
  }, 120_000);
});

describe('inviting the persons an import created', () => {
  it('LINE persons get a link code for the letter, SMS persons their first check by SMS, landline-only persons a call; each once', async () => {
    const csv = Buffer.from(
      '事例番号,氏名,電話番号,診断類型,連絡方法\r\nINV-1,招待 一郎,090-5555-0001,患者,LINE\r\nINV-2,招待 二郎,080-5555-0002,患者,SMS\r\nINV-3,招待 三郎,03-5555-0003,濃厚接触者,電話\r\n',
      'utf8',
    );
    const { id } = await (await upload(csv)).json();
    await until(id, 'done');
    const [staff] = await deps.db.select().from(staffUsers).where(eq(staffUsers.email, 'imp@a.jp'));
    const actor = (await importerActor(deps.db, staff!.id))!;
    const invite = () => withTransaction(deps.db, { actor, now: deps.now() }, (ctx) => inviteImportedPersons({ ctx, input: { importId: id }, env: deps.env }));
    const result = await invite();
    expect(result.letters.map((l) => [l.caseNumber, /^\d{4}-\d{4}-\d{4}$/.test(l.code)])).toEqual([['INV-1', true]]);
    expect(result.dispatched.map((d) => d.channel).sort()).toEqual(['sms', 'voice']);
    expect(result.skipped).toEqual([]);
    const again = await invite();
    expect(again).toEqual({ letters: [], dispatched: [], skipped: [] });
  }, 120_000);
});

describe('the console upload form', () => {
  it('shows a refused file in Japanese on the form and stores nothing; a good file opens its preview', async () => {
    const client = new Client(app);
    await client.signIn('imp@a.jp');
    expect(await (await client.get('/admin/imports')).text()).toContain('名簿の一括取り込み');
    const before = (await deps.db.select().from(personImports)).length;
    const send = (bytes: Buffer, name: string) => {
      const form = new FormData();
      form.set('_csrf', client.csrf);
      form.set('file', new File([new Uint8Array(bytes)], name));
      return client.request('/admin/imports', { method: 'POST', body: form });
    };
    const refused = await send(Buffer.from('事例番号,氏名\r\n'), 'head.csv');
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('見出し行しかありません');
    expect((await deps.db.select().from(personImports)).length).toBe(before);
    const ok = await send(lineListCsv(3, { prefix: 'FORM', bad: { 1: 'date' } }), 'list.csv');
    expect(ok.status).toBe(303);
    const preview = await (await client.get(ok.headers.get('location')!)).text();
    expect(preview).toContain('cell-problem');
    expect(preview).toContain('日付が読み取れません');
  }, 60_000);
});

describe('invitation letters as a PDF', () => {
  it('gives the LINE persons\' letters as one PDF with the embedded Japanese font, their link codes and QR codes; the codes are shown once', async () => {
    const csv = Buffer.from('事例番号,氏名,住所,電話番号,診断類型,連絡方法\r\nPDF-1,案内 一子,東京都港区芝1-1-1,090-5555-0101,患者,LINE\r\nPDF-2,案内 二子,東京都港区芝2-2-2,,患者,LINE\r\n', 'utf8');
    const { id } = await (await upload(csv)).json();
    await until(id, 'done');
    const client = new Client(app);
    await client.signIn('imp@a.jp');
    const res = await client.form(`/admin/imports/${id}/invite`, { format: 'pdf' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('cache-control')).toContain('no-store');
    const bytes = new Uint8Array(await res.arrayBuffer());
    const raw = Buffer.from(bytes).toString('latin1');
    expect(raw).toMatch(/\/FontFile2/); // the font travels with the file (a subset)
    expect(bytes.length).toBeLessThan(200_000);
    const text = (await pdfText(bytes)).replace(/\n/g, '');
    for (const s of ['健康観察のご案内', '案内 一子 様', '案内 二子 様', '東京都港区芝1-1-1', '13-801保健所']) expect(text).toContain(s);
    expect(text.match(/連携コード：\d{4}-\d{4}-\d{4}/g)).toHaveLength(2);
    // Vector QR codes: a few hundred filled squares drawn on each page.
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: bytes.slice(), useSystemFonts: false, isEvalSupported: false }).promise;
    for (const n of [1, 2]) {
      const ops = await (await doc.getPage(n)).getOperatorList();
      expect(ops.fnArray.filter((f) => f === pdfjs.OPS.constructPath).length).toBeGreaterThan(200);
    }
    await doc.destroy();
    const again = await client.form(`/admin/imports/${id}/invite`, { format: 'pdf' });
    expect((await pdfText(new Uint8Array(await again.arrayBuffer()))).replace(/\n/g, '')).not.toMatch(/連携コード：\d/);
  }, 120_000);
});
