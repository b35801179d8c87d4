import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { persons } from '../../db/schema';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { answerDailyCheck, dailyAnswers, makeAlert, makePerson } from './fixtures';
import { Client, ensureCentre, makeStaff } from './support';

let deps: TestDeps;
let nurse: Client;

beforeAll(async () => {
  deps = await createTestDeps();
  const app = createApp(deps);
  await ensureCentre(deps, '13-401');
  await ensureCentre(deps, '13-402');
  await makeStaff(deps, { email: 'p@n.jp', role: 'nurse', jurisdictionCode: '13-401' });
  nurse = new Client(app);
  await nurse.signIn('p@n.jp');
});
afterAll(async () => {
  await deps?.close();
});

describe('registering a person from the console', () => {
  it('shows errors at the fields and keeps what was typed', async () => {
    const res = await nurse.form('/admin/persons', { caseNumber: 'F-1', name: '入力 保持', classification: 'confirmed', phone: '12', dateOfBirth: '1990-02-31' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="err-phone"');
    expect(html).toContain('id="err-dateOfBirth"');
    expect(html).toContain('value="入力 保持"');
  });

  it('registers, lands on the person page, and issues a link code shown as QR and digits', async () => {
    const res = await nurse.form('/admin/persons', { caseNumber: 'F-2', name: '登録 花子', nameKana: 'トウロク ハナコ', classification: 'close_contact', phone: '080-2222-3333', riskFactors: ['diabetes', 'obesity'], hasOximeter: 'on', responsibleCentreCode: '13-401' });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/admin\/persons\/[0-9a-f-]{36}\?created=1$/);
    const id = location.split('/')[3]!.split('?')[0]!;
    const [row] = await deps.db.select().from(persons).where(eq(persons.id, id));
    expect(row).toMatchObject({ status: 'close_contact', hasOximeter: true, riskFactors: ['diabetes', 'obesity'], phone: '+818022223333' });
    const pageHtml = await (await nurse.get(location)).text();
    expect(pageHtml).toContain('登録しました');
    expect(pageHtml).toContain('糖尿病');
    const qr = await nurse.form(`/admin/persons/${id}/link-code`, {});
    expect(qr.status).toBe(200);
    const qrHtml = await qr.text();
    expect(qrHtml).toMatch(/<img src="data:image\/svg\+xml;base64,[^"]+"[^>]*id="link-code-qr"/);
    expect(qrHtml).toMatch(/id="link-code-digits">\d{4}-\d{4}-\d{4}</);
  });
});

describe('line lists and the person page', () => {
  it('puts persons on the right lists and finds them by kana, case number and phone', async () => {
    const alerted = await makePerson(deps, '13-401', { name: '警告 一郎', nameKana: 'ケイコク イチロウ', phone: '090-5555-0001' });
    const well = await makePerson(deps, '13-401', { name: '元気 二郎', nameKana: 'ゲンキ ジロウ', caseNumber: 'W-77' });
    const silent = await makePerson(deps, '13-401', { name: '無言 三郎' });
    await makeAlert(deps, alerted);
    await answerDailyCheck(deps, well, dailyAnswers('36.5', 'なし'));
    const list = async (name: string) => (await nurse.get(`/admin/persons?list=${name}`)).text();
    const attention = await list('attention');
    expect(attention).toContain('警告 一郎');
    expect(attention).not.toContain('元気 二郎');
    const wellHtml = await list('well');
    expect(wellHtml).toContain('元気 二郎');
    expect(wellHtml).not.toContain('無言 三郎');
    expect(await list('not_reported')).toContain('無言 三郎');
    const search = async (q: string) => (await nurse.get(`/admin/persons?list=all&q=${encodeURIComponent(q)}`)).text();
    expect(await search('ゲンキ')).toContain('元気 二郎');
    expect(await search('W-77')).toContain('元気 二郎');
    expect(await search('090-5555-0001')).toContain('警告 一郎');
    expect(await search('ゲンキ')).not.toContain('警告 一郎');
    void silent;
  });

  it('shows the timeline and chart data, changes status, sends a check and shares', async () => {
    const id = await makePerson(deps, '13-401', { name: '経過 四郎', hasOximeter: true });
    await answerDailyCheck(deps, id, ['38.2', '95', '80', ...dailyAnswers('', 'なし').slice(1)]);
    const html = await (await nurse.get(`/admin/persons/${id}`)).text();
    expect(html).toMatch(/id="chart-temperature"[^>]*data-y="\[38.2\]"/);
    expect(html).toMatch(/id="chart-spo2"[^>]*data-y="\[95\]"/);
    expect(html).toContain('src="/admin/assets/uPlot.iife.min.js"');
    expect(html).toContain('id="timeline"');
    const sent = await nurse.form(`/admin/persons/${id}/send-check`, {});
    expect(sent.headers.get('location')).toBe(`/admin/persons/${id}?sent=sms`);
    expect(await (await nurse.get(sent.headers.get('location')!)).text()).toContain('健康観察を送信しました');
    expect((await nurse.form(`/admin/persons/${id}/status`, { status: 'hospitalized', note: '入院' })).status).toBe(303);
    const after = await (await nurse.get(`/admin/persons/${id}`)).text();
    expect(after).toContain('id="person-status">入院<');
    expect(after).not.toContain('id="send-check"');
    expect((await nurse.form(`/admin/persons/${id}/share`, { centreCode: 'nope' })).status).toBe(422);
    expect((await nurse.form(`/admin/persons/${id}/share`, { centreCode: '13-402' })).status).toBe(303);
    expect(await (await nurse.get(`/admin/persons/${id}`)).text()).toContain('13-402保健所');
  });

  it('edits and ends monitoring', async () => {
    const id = await makePerson(deps, '13-401', { name: '編集 五郎' });
    expect((await nurse.form(`/admin/persons/${id}/edit`, { caseNumber: 'E-5', name: '編集 五郎', classification: 'confirmed', address: '新しい住所' })).status).toBe(303);
    const [row] = await deps.db.select().from(persons).where(eq(persons.id, id));
    expect(row!.address).toBe('新しい住所');
    expect((await nurse.form(`/admin/persons/${id}/extend`, { plannedEnd: '2000-01-01' })).status).toBe(422);
    expect((await nurse.form(`/admin/persons/${id}/end`, { reason: '症状消失' })).status).toBe(303);
    const [ended] = await deps.db.select().from(persons).where(eq(persons.id, id));
    expect(ended!.status).toBe('monitoring_ended');
    expect(await (await nurse.get('/admin/persons?list=ended')).text()).toContain('編集 五郎');
  });

  it('serves uPlot and the console scripts from the app itself', async () => {
    const js = await nurse.get('/admin/assets/uPlot.iife.min.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await nurse.get('/admin/assets/uPlot.min.css')).status).toBe(200);
    expect((await nurse.get('/admin/assets/triage.js')).status).toBe(200);
    expect((await nurse.get('/admin/assets/nothing.js')).status).toBe(404);
  });
});
