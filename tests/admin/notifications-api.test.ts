import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, checkSessions, flowAssignments, notifications, persons, testRecords } from '../../db/schema';
import { createApp } from '../../src/app';
import { withTransaction } from '../../src/domain/context';
import { getStats } from '../../src/domain/reports/stats';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makePerson } from './fixtures';
import { bearer, ensureCentre, ensureInstitution, makeStaff, makeToken } from './support';

// 2026-06-01 10:00 in Japan.
let now = new Date('2026-06-01T01:00:00Z');
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
const as: Record<string, ReturnType<typeof bearer>> = {};

beforeAll(async () => {
  deps = await createTestDeps({}, { now: () => now });
  app = createApp(deps);
  const a = await ensureCentre(deps, '13-nta');
  await ensureCentre(deps, '13-ntb');
  await ensureCentre(deps, '27-ntc', '大阪', '27');
  await ensureInstitution(deps, '1311111119', a);
  const staff = [
    ['doc@x.jp', 'clinician', { institutionCode: '1311111119' }],
    ['nurseA@x.jp', 'nurse', { jurisdictionCode: '13-nta' }],
    ['nurseB@x.jp', 'nurse', { jurisdictionCode: '13-ntb' }],
    ['nurseC@x.jp', 'nurse', { jurisdictionCode: '27-ntc' }],
    ['pref13@x.jp', 'prefecture_officer', { jurisdictionCode: '13' }],
    ['nat@x.jp', 'national_officer', { jurisdictionCode: 'JP' }],
  ] as const;
  for (const [email, role, scope] of staff) {
    await makeStaff(deps, { email, role, ...scope });
    as[email.split('@')[0]!] = bearer(app, await makeToken(deps, email));
  }
});
afterAll(async () => deps?.close());

const complete = {
  name: '届出 太郎',
  nameKana: 'トドケデ タロウ',
  sex: 'male',
  dateOfBirth: '1950-04-01',
  address: '東京都新宿区西新宿2-8-1',
  phone: '090-5555-6666',
  diagnosisClass: 'confirmed',
  symptoms: ['fever', 'cough'],
  specimenDate: '2026-05-30',
  testMethod: 'pcr',
  testResult: 'positive',
  diagnosisDate: '2026-05-31',
  onsetDate: '2026-05-29',
  infectionRoute: '飛沫感染（家族内）',
  infectionRegion: 'domestic',
  infectionRegionDetail: '東京都新宿区',
  admitted: false,
};


describe('POST /api/v1/notifications', () => {
  let draftId = '';

  it('saves an incomplete draft, and refuses to file it with a Japanese message per missing item', async () => {
    const draft = await as.doc!('POST', '/api/v1/notifications', { name: '途中 花子', draft: true });
    expect(draft.status).toBe(201);
    draftId = (await draft.json()).id;
    const filed = await as.doc!('PATCH', `/api/v1/notifications/${draftId}`, { name: '途中 花子', diagnosisClass: 'confirmed' });
    expect(filed.status).toBe(422);
    const body = await filed.json();
    expect(body.fields.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining(['nameKana', 'dateOfBirth', 'address', 'diagnosisDate', 'testMethod', 'onsetDate', 'symptoms', 'admitted']));
    expect(body.messageJa).toContain('フリガナを入力してください');
    // Drafts are the clinician's: no centre sees them.
    expect((await (await as.nurseA!('GET', '/api/v1/notifications')).json()).notifications).toEqual([]);
    expect((await as.nurseA!('GET', `/api/v1/notifications/${draftId}`)).status).toBe(404);
  });

  it('is refused to anyone but a clinician', async () => {
    const res = await as.nurseA!('POST', '/api/v1/notifications', complete);
    expect(res.status).toBe(403);
    expect((await res.json()).messageJa).toBe('発生届を提出できるのは医療機関の医師です');
  });

  it("files a notification into the centre's queue; the centre accepts it and the person gets rounds and a check", async () => {
    const res = await as.doc!('POST', '/api/v1/notifications', complete);
    expect(res.status).toBe(201);
    const { id, status } = await res.json();
    expect(status).toBe('submitted');
    const queue = (await (await as.nurseA!('GET', '/api/v1/notifications?status=submitted&view=received')).json()).notifications;
    expect(queue.map((n: { id: string }) => n.id)).toEqual([id]);
    expect((await as.nurseB!('GET', `/api/v1/notifications/${id}`)).status).toBe(404);
    expect((await as.nurseB!('POST', `/api/v1/notifications/${id}/accept`, {})).status).toBe(404);

    const accepted = await as.nurseA!('POST', `/api/v1/notifications/${id}/accept`, { reply: '受理しました' });
    expect(accepted.status).toBe(200);
    const { personId, created } = await accepted.json();
    expect(created).toBe(true);
    const [p] = await deps.db.select().from(persons).where(eq(persons.id, personId));
    expect(p).toMatchObject({ name: '届出 太郎', nameKana: 'トドケデ タロウ', phone: '+819055556666', classification: 'confirmed', status: 'home_recuperation', onsetDate: '2026-05-29' });
    expect(p!.symptomsAtDiagnosis).toEqual(['発熱', '咳']);
    expect((await deps.db.select().from(testRecords).where(eq(testRecords.personId, personId)))[0]).toMatchObject({ method: 'pcr', result: 'positive', specimenDate: '2026-05-30' });
    expect((await deps.db.select().from(flowAssignments).where(eq(flowAssignments.personId, personId)))[0]!.roundTimes).toEqual(['09:00', '15:00']);
    // The next round (15:00 local) gives the person their first check.
    now = new Date('2026-06-01T06:01:00Z');
    await runTick(deps, now);
    expect((await deps.db.select().from(checkSessions).where(eq(checkSessions.personId, personId))).length).toBe(1);

    // The clinician sees the status and the reply; deciding twice is refused.
    const mine = await (await as.doc!('GET', `/api/v1/notifications/${id}`)).json();
    expect(mine).toMatchObject({ status: 'accepted', reply: '受理しました', personId });
    expect((await as.nurseA!('POST', `/api/v1/notifications/${id}/accept`, {})).status).toBe(409);

    // Counted at once in the prefecture's and the nation's statistics; not in Osaka's.
    const accepted13 = await withTransaction(deps.db, { actor: { kind: 'staff', staffId: '00000000-0000-0000-0000-000000000000', role: 'prefecture_officer', jurisdictionId: null, jurisdictionPath: '/JP/13/', institutionId: null, via: 'token' }, now }, (ctx) => getStats({ ctx, input: {} }));
    expect(accepted13.notificationsAccepted.find((d) => d.date === '2026-06-01')!.count).toBe(1);
    const stats27 = await withTransaction(deps.db, { actor: { kind: 'staff', staffId: '00000000-0000-0000-0000-000000000000', role: 'prefecture_officer', jurisdictionId: null, jurisdictionPath: '/JP/27/', institutionId: null, via: 'token' }, now }, (ctx) => getStats({ ctx, input: {} }));
    expect(stats27.notificationsAccepted.reduce((n, d) => n + d.count, 0)).toBe(0);
    const natStats = await (await as.nat!('GET', '/api/v1/stats')).json();
    expect(JSON.stringify(natStats)).toContain('notificationsAccepted');

    const rows = await deps.db.select().from(auditLog).where(and(eq(auditLog.entity, 'notification'), eq(auditLog.entityId, id)));
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['submit', 'accept', 'read']));
    expect(JSON.stringify(rows.map((r) => r.details))).not.toContain('届出 太郎');
  });

  it('routes by the address to the centre whose municipalities it lies in; none or two such centres → the filing centre with a note', async () => {
    const set = await as.pref13!('PATCH', '/api/v1/jurisdictions/13-ntb', { municipalities: '中野区、杉並区\n名古屋市' });
    expect(set.status).toBe(200);
    expect((await set.json()).centre.municipalities).toEqual(['中野区', '杉並区', '名古屋市']);
    const file = async (address: string) => {
      const res = await as.doc!('POST', '/api/v1/notifications', { ...complete, name: '住所 振分', nameKana: 'ジュウショ フリワケ', phone: '', address });
      expect(res.status).toBe(201);
      return (await as.doc!('GET', `/api/v1/notifications/${(await res.json()).id}`)).json();
    };
    // Full-width digits and a postal code in front do not matter.
    expect(await file('〒164-0001 東京都中野区中野４－８－１')).toMatchObject({ centre: { code: '13-ntb' }, routingNote: null });
    const unknown = await file('東京都練馬区豊玉北6-12-1');
    expect(unknown).toMatchObject({ centre: { code: '13-nta' } });
    expect(unknown.routingNote).toContain('東京都で住所の市区町村を管轄する保健所が登録されていない');
    expect((await file('中野区中野4-8-1')).routingNote).toContain('都道府県名から始まっていない');
    // 名古屋市 is listed by a Tokyo centre: an address in 愛知県 is not matched by it.
    expect((await file('愛知県名古屋市中区三の丸3-1-1')).centre.code).toBe('13-nta');
    expect((await as.pref13!('PATCH', '/api/v1/jurisdictions/13-nta', { municipalities: ['杉並区'] })).status).toBe(200);
    const two = await file('東京都杉並区阿佐谷南1-15-1');
    expect(two).toMatchObject({ centre: { code: '13-nta' } });
    expect(two.routingNote).toMatch(/複数登録されているため（.*13-nta.*・.*13-ntb.*|.*13-ntb.*・.*13-nta.*）/);
    expect((await as.pref13!('PATCH', '/api/v1/jurisdictions/13-nta', { municipalities: [] })).status).toBe(200);
  });

  it('routes a notification to the centre of residence (居住地管轄), visible to both centres; only the receiving one decides', async () => {
    const res = await as.doc!('POST', '/api/v1/notifications', { ...complete, name: '転居 次郎', nameKana: 'テンキョ ジロウ', phone: '', residenceCentreCode: '13-ntb' });
    const { id } = await res.json();
    expect((await as.nurseB!('GET', '/api/v1/notifications?view=received')).status).toBe(200);
    expect((await (await as.nurseB!('GET', '/api/v1/notifications?view=received')).json()).notifications.map((n: { id: string }) => n.id)).toContain(id);
    expect((await as.nurseA!('GET', `/api/v1/notifications/${id}`)).status).toBe(200);
    const refused = await as.nurseA!('POST', `/api/v1/notifications/${id}/return`, { reason: 'x' });
    expect(refused.status).toBe(403);
    expect((await as.nurseC!('GET', `/api/v1/notifications/${id}`)).status).toBe(404);
    expect((await as.pref13!('GET', `/api/v1/notifications/${id}`)).status).toBe(200);
    // Returned with a reason; the clinician corrects it and files again.
    expect((await as.nurseB!('POST', `/api/v1/notifications/${id}/return`, { reason: '' })).status).toBe(422);
    const back = await as.nurseB!('POST', `/api/v1/notifications/${id}/return`, { reason: '電話番号を記入してください' });
    expect(back.status).toBe(200);
    const seen = await (await as.doc!('GET', `/api/v1/notifications/${id}`)).json();
    expect(seen).toMatchObject({ status: 'returned', reply: '電話番号を記入してください' });
    const again = await as.doc!('PATCH', `/api/v1/notifications/${id}`, { ...complete, name: '転居 次郎', nameKana: 'テンキョ ジロウ', phone: '080-1212-3434', residenceCentreCode: '13-ntb' });
    expect(await again.json()).toMatchObject({ status: 'submitted' });
  });

  it('shows possible duplicates and attaches the notification to the chosen person instead of registering another', async () => {
    const existing = await makePerson(deps, '13-nta', { nameKana: 'ミマモリ ハナコ', dateOfBirth: '1950-04-01', phone: '090-7777-8888' });
    const res = await as.doc!('POST', '/api/v1/notifications', { ...complete, name: '見守 花子', nameKana: 'みまもり　はなこ', phone: '' });
    const { id } = await res.json();
    const detail = await (await as.nurseA!('GET', `/api/v1/notifications/${id}`)).json();
    expect(detail.possibleDuplicates).toEqual([expect.objectContaining({ id: existing, matchedBy: ['kana_and_birth_date'] })]);
    const before = (await deps.db.select().from(persons)).length;
    const attached = await (await as.nurseA!('POST', `/api/v1/notifications/${id}/accept`, { personId: existing })).json();
    expect(attached).toMatchObject({ personId: existing, created: false });
    expect((await deps.db.select().from(persons)).length).toBe(before);
    const [n] = await deps.db.select().from(notifications).where(eq(notifications.id, id));
    expect(n!.personId).toBe(existing);
  });
});
