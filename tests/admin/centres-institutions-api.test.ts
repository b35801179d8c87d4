import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, flowAssignments, jurisdictions, persons } from '../../db/schema';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makePerson } from './fixtures';
import { bearer, ensureCentre, makeStaff, makeToken } from './support';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
const as: Record<string, ReturnType<typeof bearer>> = {};
let tokenAdmin = '';

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  await ensureCentre(deps, '13-base');
  await ensureCentre(deps, '27-base', '大阪基点保健所', '27');
  const staff = [
    ['nat@x.jp', 'national_officer', 'JP'],
    ['pref13@x.jp', 'prefecture_officer', '13'],
    ['pref27@x.jp', 'prefecture_officer', '27'],
    ['admin@x.jp', 'centre_admin', '13-base'],
    ['nurse@x.jp', 'nurse', '13-base'],
  ] as const;
  for (const [email, role, code] of staff) {
    await makeStaff(deps, { email, role, jurisdictionCode: code });
    const token = await makeToken(deps, email);
    if (role === 'centre_admin') tokenAdmin = token;
    as[role === 'prefecture_officer' ? email.split('@')[0]! : role] = bearer(app, token);
  }
});
afterAll(async () => deps?.close());

const centre = (code: string, parentCode = '13') => ({
  kind: 'health_centre',
  code,
  parentCode,
  nameJa: `${code}保健所`,
  nameEn: `${code} Health Centre`,
  phone: '03-1111-2222',
  afterHoursPhone: '03-9999-0000',
  openingHours: { days: [1, 2, 3, 4, 5], open: '08:30', close: '17:15' },
  roundTimes: { patient: ['15:00', '09:00'], contact: ['10:00'] },
  quietHours: '22:00-07:00',
});

const audits = (entity: string, action: string) => deps.db.select().from(auditLog).where(and(eq(auditLog.entity, entity), eq(auditLog.action, action)));

describe('/api/v1/jurisdictions', () => {
  it('lets a national officer create a centre under any prefecture, audited', async () => {
    const res = await as.national_officer!('POST', '/api/v1/jurisdictions', centre('13-shinjuku-x'));
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({ code: '13-shinjuku-x', parentCode: '13', roundTimes: { patient: ['09:00', '15:00'], contact: ['10:00'] }, quietHours: '22:00-07:00', active: true });
    const [row] = await deps.db.select().from(jurisdictions).where(eq(jurisdictions.code, '13-shinjuku-x'));
    expect(row!.path).toBe('/JP/13/13-shinjuku-x/');
    expect((await audits('jurisdiction', 'create')).some((a) => a.entityId === row!.id)).toBe(true);
  });

  it('lets a prefecture officer create centres in their prefecture only; nurses and centre admins none', async () => {
    expect((await as.pref13!('POST', '/api/v1/jurisdictions', centre('13-ward'))).status).toBe(201);
    const other = await as.pref13!('POST', '/api/v1/jurisdictions', centre('27-city', '27'));
    expect(other.status).toBe(403);
    expect((await other.json()).messageJa).toBe('この保健所を管理する権限がありません');
    expect((await as.centre_admin!('POST', '/api/v1/jurisdictions', centre('13-nope'))).status).toBe(403);
    expect((await as.nurse!('POST', '/api/v1/jurisdictions', centre('13-nope'))).status).toBe(403);
  });

  it('refuses bad fields with Japanese messages, and a duplicate code with 409', async () => {
    const res = await as.national_officer!('POST', '/api/v1/jurisdictions', { ...centre('bad code!'), parentCode: '48', quietHours: '9pm', roundTimes: { patient: ['25:00'], contact: ['09:00'] } });
    expect(res.status).toBe(422);
    const body = await res.json();
    const fields = body.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['code', 'parentCode', 'quietHours', 'roundTimes.patient.0']));
    expect(body.messageJa).toContain('都道府県コード（01〜47）で入力してください');
    expect((await as.national_officer!('POST', '/api/v1/jurisdictions', centre('13-ward'))).status).toBe(409);
  });

  it("lets a centre administrator change their own centre's details but not another's, nor deactivate it", async () => {
    const own = await as.centre_admin!('PATCH', '/api/v1/jurisdictions/13-base', { phone: '03-1234-0000', contactPhone: '0120-000-111' });
    expect(own.status).toBe(200);
    expect((await own.json()).changed.sort()).toEqual(['contactPhone', 'phone']);
    expect((await as.centre_admin!('PATCH', '/api/v1/jurisdictions/13-ward', { phone: '03-1234-0000' })).status).toBe(403);
    expect((await as.centre_admin!('PATCH', '/api/v1/jurisdictions/13-base', { active: false })).status).toBe(403);
    expect((await as.pref27!('PATCH', '/api/v1/jurisdictions/13-base', { phone: '03-0000-1111' })).status).toBe(403);
    expect((await audits('jurisdiction', 'update')).length).toBeGreaterThanOrEqual(1);
  });

  it("registers new persons on the centre's own round times", async () => {
    const patient = await makePerson(deps, '13-shinjuku-x');
    const contact = await makePerson(deps, '13-shinjuku-x', { classification: 'close_contact' });
    const rounds = async (id: string) => (await deps.db.select().from(flowAssignments).where(eq(flowAssignments.personId, id)))[0]!.roundTimes;
    expect(await rounds(patient)).toEqual(['09:00', '15:00']);
    expect(await rounds(contact)).toEqual(['10:00']);
  });

  it('refuses to deactivate a centre with persons under monitoring; moving them all is one audited action', async () => {
    const blocked = await as.pref13!('PATCH', '/api/v1/jurisdictions/13-shinjuku-x', { active: false });
    expect(blocked.status).toBe(409);
    expect((await blocked.json()).messageJa).toMatch(/健康観察中の対象者が2人/);
    expect((await as.pref27!('POST', '/api/v1/jurisdictions/13-shinjuku-x/move-persons', { toCode: '13-ward' })).status).toBe(403);
    const moved = await as.pref13!('POST', '/api/v1/jurisdictions/13-shinjuku-x/move-persons', { toCode: '13-ward', deactivateSource: true });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ from: '13-shinjuku-x', to: '13-ward', persons: 2, deactivated: true });
    const [ward] = await deps.db.select().from(jurisdictions).where(eq(jurisdictions.code, '13-ward'));
    expect((await deps.db.select().from(persons).where(eq(persons.responsibleCentreId, ward!.id))).length).toBe(2);
    expect((await audits('jurisdiction', 'move_persons')).length).toBe(1);
    expect((await audits('person', 'transfer')).length).toBe(2);
    // Deactivated: no longer listed by default, and no new person there.
    const list = await (await as.nurse!('GET', '/api/v1/jurisdictions?kind=health_centre')).json();
    expect(list.jurisdictions.map((j: { code: string }) => j.code)).not.toContain('13-shinjuku-x');
    const refused = await as.national_officer!('POST', '/api/v1/persons', { caseNumber: 'Z-1', name: '試験', classification: 'confirmed', responsibleCentreCode: '13-shinjuku-x' });
    expect(refused.status).toBe(422);
  });
});

describe('the OpenAPI document', () => {
  it('describes the jurisdiction, institution and notification routes with their bodies', async () => {
    const doc = await (await app.request('/api/v1/openapi.json')).json();
    for (const p of ['/jurisdictions', '/jurisdictions/{code}', '/jurisdictions/{code}/move-persons', '/institutions', '/institutions/{code}', '/notifications', '/notifications/{id}/accept']) expect(doc.paths[p], p).toBeDefined();
    expect(Object.keys(doc.paths['/jurisdictions'].post.requestBody.content['application/json'].schema.properties)).toEqual(
      expect.arrayContaining(['kind', 'code', 'parentCode', 'nameJa', 'nameEn', 'phone', 'afterHoursPhone', 'openingHours', 'roundTimes', 'quietHours']),
    );
  });
});

describe('/api/v1/institutions', () => {
  it('validates the 医療機関コード and registers it for a centre the actor may manage', async () => {
    const bad = await as.centre_admin!('POST', '/api/v1/institutions', { code: '4811234567', name: 'X', centreCode: '13-base' });
    expect(bad.status).toBe(422);
    expect((await bad.json()).messageJa).toContain('都道府県番号（01〜47）');
    const table = await as.centre_admin!('POST', '/api/v1/institutions', { code: '1321234567', name: 'X', centreCode: '13-base' });
    expect((await table.json()).messageJa).toContain('点数表番号');
    const ok = await as.centre_admin!('POST', '/api/v1/institutions', { code: '１３-１-１２３４５６９', name: '新宿クリニック', address: '東京都新宿区1-1', phone: '03-3333-4444', centreCode: '13-base' });
    expect(ok.status).toBe(201);
    expect((await ok.json()).code).toBe('1311234569');
    expect((await as.centre_admin!('POST', '/api/v1/institutions', { code: '1311234577', name: 'Y', centreCode: '13-ward' })).status).toBe(403);
    expect((await as.nurse!('POST', '/api/v1/institutions', { code: '1311234585', name: 'Y', centreCode: '13-base' })).status).toBe(403);
    expect((await as.centre_admin!('POST', '/api/v1/institutions', { code: '1311234569', name: 'dup', centreCode: '13-base' })).status).toBe(409);
  });

  it('changes and lists institutions, audited', async () => {
    const res = await as.pref13!('PATCH', '/api/v1/institutions/1311234569', { name: '新宿中央クリニック', centreCode: '13-ward' });
    expect(res.status).toBe(200);
    expect((await res.json()).changed.sort()).toEqual(['centreCode', 'name']);
    expect((await as.centre_admin!('PATCH', '/api/v1/institutions/1311234569', { name: 'no' })).status).toBe(403);
    const list = await (await as.nurse!('GET', '/api/v1/institutions?centreCode=13-ward')).json();
    expect(list.institutions).toEqual([expect.objectContaining({ code: '1311234569', name: '新宿中央クリニック', centreCode: '13-ward', manageable: false })]);
    expect((await audits('medical_institution', 'update')).length).toBe(1);
  });

  it('imports a CSV: bad rows reported with their line, the rest in; the same file again changes nothing', async () => {
    const csv = ['医療機関コード,名称,所在地,電話番号,保健所コード', '1311000010,一番クリニック,東京都,03-1000-0000,13-base', '9911000017,悪いコード,東京都,,13-base', '1341000014,二番薬局,東京都,,13-base', '1311000028,三番医院,東京都,,no-such'].join('\r\n');
    const post = () => app.request('/api/v1/institutions/import', { method: 'POST', body: csv, headers: { authorization: `Bearer ${tokenAdmin}`, 'content-type': 'text/csv' } });
    const first = await (await post()).json();
    expect(first).toMatchObject({ total: 4, created: 2, failed: 2 });
    expect(first.errors.map((e: { line: number }) => e.line)).toEqual([3, 5]);
    expect(first.errors[1].messageJa).toContain('保健所が見つかりません');
    const second = await (await post()).json();
    expect(second).toMatchObject({ total: 4, created: 0, updated: 0, unchanged: 2, failed: 2 });
    expect((await audits('medical_institution', 'import')).length).toBe(2);
  });
});
