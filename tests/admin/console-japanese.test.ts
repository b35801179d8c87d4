import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { answerDailyCheck, dailyAnswers, makeAlert, makePerson } from './fixtures';
import { bearer, Client, ensureCentre, makeStaff, makeToken } from './support';

/** The Japanese console speaks Japanese: filters, answers, the audit log, refusals, expired forms and times. */
const NOW = new Date('2026-05-01T15:30:00Z'); // 2026-05-02 00:30 in Tokyo: the date differs from UTC's
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let nurse: Client;
let admin: Client;
let person: string;
let alert: string;

beforeAll(async () => {
  deps = await createTestDeps({}, { now: () => NOW });
  app = createApp(deps);
  await ensureCentre(deps, '13-721');
  await ensureCentre(deps, '13-722');
  await makeStaff(deps, { email: 'ja-n@c.jp', role: 'nurse', jurisdictionCode: '13-721' });
  await makeStaff(deps, { email: 'ja-a@c.jp', role: 'centre_admin', jurisdictionCode: '13-721' });
  person = await makePerson(deps, '13-721', { caseNumber: 'JA-1', name: '日本 語子' });
  await answerDailyCheck(deps, person, dailyAnswers('39.6', 'だるいです'));
  alert = await makeAlert(deps, person);
  nurse = new Client(app);
  await nurse.signIn('ja-n@c.jp');
  admin = new Client(app);
  await admin.signIn('ja-a@c.jp');
});
afterAll(async () => deps?.close());

describe('the Japanese console', () => {
  it('labels the reason filter with the rule\'s wording, not its id', async () => {
    const html = await (await nurse.get('/admin')).text();
    const filter = /<select name="reason">([\s\S]*?)<\/select>/.exec(html)![1]!;
    expect(filter).toMatch(/<option value="fever_high"[^>]*>38\.5℃以上の発熱<\/option>/);
    expect(filter).not.toMatch(/>fever_high</);
  });

  it('shows answers with the question as it was asked (pinned flow version), in the timeline and the alert', async () => {
    for (const path of [`/admin/persons/${person}`, `/admin/alerts/${alert}`]) {
      const html = await (await nurse.get(path)).text();
      // The 健康観察 table: a row per question, named 体温 (its wording as asked in the tooltip), the value in its column.
      expect(html).toMatch(/<tr data-question-id="temperature" class="vital"><th scope="row" class="item" title="今日の体温は何度ですか？（例: 36.8）">体温/);
      expect(html).toMatch(/data-question-id="temperature"[\s\S]*?>39\.6<\/td>/);
      expect(html).toContain('表情や顔色がいつもと違うと言われたり、感じたりしますか？');
      expect(html).not.toMatch(/>temperature[:<]|>face[:<]/);
    }
    // The reason's values are worded too (体温, not "temperature").
    expect(await (await nurse.get(`/admin/alerts/${alert}`)).text()).toContain('体温 39.8℃');
  });

  it('names audit actions, records and filters in Japanese', async () => {
    const html = await (await admin.get('/admin/audit')).text();
    expect(html).toContain('開始日');
    expect(html).toContain('終了日');
    expect(html).toMatch(/<td data-action="read">閲覧<\/td>/);
    expect(html).toMatch(/<td data-entity="person">対象者/);
    expect(html).toContain('<option value="export">CSV出力</option>');
    expect(html).not.toMatch(/>(From|To)</);
    expect(html).toContain('システム');
    expect(html).not.toContain('system:test');
  });

  it('shows refusals on the person and flow pages in Japanese', async () => {
    const same = await nurse.form(`/admin/persons/${person}/transfer`, { centreCode: '13-721' });
    expect(same.status).toBe(409);
    const text = await same.text();
    expect(text).toContain('すでにこの保健所の担当です');
    expect(text).not.toContain('already belongs');

    const edited = await admin.form('/admin/flows/patient-daily/versions/1/form', { 's:nodes.temperature.text.ja': '体温は？' });
    expect(edited.status).toBe(409);
    const ftext = await edited.text();
    expect(ftext).toContain('第1版は公開済みです。編集できるのは下書きだけです');
    expect(ftext).not.toContain('only a draft');
    const publish = await admin.form('/admin/flows/patient-daily/versions/1/publish', {});
    expect(publish.status).toBe(403);
    expect(await publish.text()).toContain('国の担当者のみが行えます');
  });

  it('answers an expired form (no or a stale CSRF token) with a page, and the API still with JSON', async () => {
    const res = await nurse.request(`/admin/persons/${person}/send-check`, {
      method: 'POST', body: new URLSearchParams({ _csrf: 'stale' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html,application/xhtml+xml', referer: `http://localhost/admin/persons/${person}` },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('フォームの有効期限が切れました');
    expect(html).toContain(`href="/admin/persons/${person}"`);
    const api = await nurse.request('/api/v1/alerts/' + alert + '/acknowledge', { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(api.status).toBe(403);
    expect((await api.json()).code).toBe('csrf_failed');
  });

  it('shows times in Japan time, never UTC', async () => {
    await bearer(app, await makeToken(deps, 'ja-n@c.jp'))('GET', '/api/v1/alerts');
    const account = await (await nurse.get('/admin/account')).text();
    expect(account).toContain('2026-05-02 00:30');
    expect(account).not.toContain('UTC');
    expect(await (await nurse.get('/admin/flows')).text()).not.toContain('UTC');
    expect(await (await nurse.get(`/admin/persons/${person}`)).text()).toContain('2026-05-02 00:30');
  });
});
