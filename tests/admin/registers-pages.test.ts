import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jurisdictions, medicalInstitutions, notifications, persons } from '../../db/schema';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { HOSTILE } from './fixtures';
import { Client, ensureCentre, makeStaff } from './support';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  await ensureCentre(deps, '13-pg');
  await makeStaff(deps, { email: 'pref@p.jp', role: 'prefecture_officer', jurisdictionCode: '13' });
  await makeStaff(deps, { email: 'admin@p.jp', role: 'centre_admin', jurisdictionCode: '13-pg' });
});
afterAll(async () => deps?.close());

describe('console: centres, institutions, notifications', () => {
  it('a prefecture officer creates a centre from the form; a bad one keeps what was typed with Japanese messages', async () => {
    const pref = new Client(app);
    await pref.signInWithTotp('pref@p.jp');
    const bad = await pref.form('/admin/centres', { code: 'x', parentCode: '13', nameJa: '', nameEn: 'Bad', quietHours: '9pm' });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('保健所コードは英数字');
    expect(html).toContain('value="Bad"');
    const ok = await pref.form('/admin/centres', { code: '13-form', parentCode: '13', nameJa: 'フォーム保健所', nameEn: 'Form HC', phone: '03-1111-1111', openingDays: ['1', '2', '3'], openTime: '09:00', closeTime: '17:00', patientRounds: '08:00 16:00', contactRounds: '08:00', quietHours: '20:00-08:00' });
    expect(ok.status).toBe(303);
    const [row] = await deps.db.select().from(jurisdictions).where(eq(jurisdictions.code, '13-form'));
    expect(row).toMatchObject({ roundTimes: { patient: ['08:00', '16:00'], contact: ['08:00'] }, quietHours: '20:00-08:00' });
    expect(JSON.parse(row!.openingHours!)).toEqual({ days: [1, 2, 3], open: '09:00', close: '17:00' });
    expect(await (await pref.get('/admin/centres/13-form?created=1')).text()).toContain('保健所を追加しました');
  });

  it('a centre administrator edits their centre, registers an institution and cannot open another centre', async () => {
    const admin = new Client(app);
    await admin.signIn('admin@p.jp');
    const page = await admin.get('/admin/centres/13-pg');
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain('centre-move');
    expect((await admin.get('/admin/centres/13-form')).status).toBe(404);
    const saved = await admin.form('/admin/centres/13-pg', { nameJa: '13-pg保健所', nameEn: '13-pg Health Centre', afterHoursPhone: '03-2222-2222', openingDays: ['1', '2', '3', '4', '5'], openTime: '08:30', closeTime: '17:15' });
    expect(await saved.text()).toContain('保存しました');
    const inst = await admin.form('/admin/institutions', { code: '1312345679', name: HOSTILE[0], centreCode: '13-pg' });
    const html = await inst.text();
    expect(html).toContain('医療機関を登録しました');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect((await deps.db.select().from(medicalInstitutions).where(eq(medicalInstitutions.code, '1312345679'))).length).toBe(1);
  });

  it('a clinician saves a draft, files it; the nurse accepts it from the queue and the person exists', async () => {
    await makeStaff(deps, { email: 'doc@p.jp', role: 'clinician', institutionCode: '1312345679' });
    await makeStaff(deps, { email: 'nurse@p.jp', role: 'nurse', jurisdictionCode: '13-pg' });
    const doc = new Client(app);
    await doc.signIn('doc@p.jp');
    const draft = await doc.form('/admin/notifications', { action: 'draft', name: '画面 一郎' });
    expect(draft.status).toBe(303);
    const id = /\/admin\/notifications\/([0-9a-f-]{36})/.exec(draft.headers.get('location')!)![1]!;
    const missing = await doc.form(`/admin/notifications/${id}`, { action: 'submit', name: '画面 一郎' });
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain('フリガナを入力してください');
    const filed = await doc.form(`/admin/notifications/${id}`, {
      action: 'submit', name: '画面 一郎', nameKana: 'ガメン イチロウ', sex: 'male', dateOfBirth: '1960-01-02', address: '東京都', phone: '090-3333-4444',
      diagnosisClass: 'confirmed', diagnosisDate: '2026-01-05', onsetDate: '2026-01-03', specimenDate: '2026-01-04', testMethod: 'antigen_qualitative', testResult: 'positive', admitted: 'false', symptoms: ['fever'],
    });
    expect(filed.status).toBe(303);
    const nurse = new Client(app);
    await nurse.signIn('nurse@p.jp');
    const queue = await (await nurse.get('/admin/notifications')).text();
    expect(queue).toContain(`data-notification="${id}"`);
    expect(queue).toContain('画面 一郎');
    const accepted = await nurse.form(`/admin/notifications/${id}/accept`, { caseNumber: 'PG-1', reply: '' });
    expect(await accepted.text()).toContain('受理しました');
    const [n] = await deps.db.select().from(notifications).where(eq(notifications.id, id));
    const [p] = await deps.db.select().from(persons).where(eq(persons.id, n!.personId!));
    expect(p).toMatchObject({ caseNumber: 'PG-1', name: '画面 一郎' });
    expect(await (await doc.get(`/admin/notifications/${id}`)).text()).toContain('受理');
    // Counted at once on the centre's dashboard.
    expect(await (await nurse.get('/admin/reports')).text()).toMatch(/id="notifications-accepted"><h2>[^<]*<\/h2><p class="num">1<\/p>/);
  });
});
