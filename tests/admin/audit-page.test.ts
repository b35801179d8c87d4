import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { answerDailyCheck, dailyAnswers, makePerson } from './fixtures';
import { bearer, Client, ensureCentre, makeStaff, makeToken } from './support';

/**
 * Issue 18, audit page: names and case numbers instead of ids, Japanese action labels,
 * times with seconds, the system as the actor of alerts it raises, sign-ins and sign-in
 * failures, filters by person (case number), staff, action and date.
 */
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let admin: Client;
let nurseId: string;

beforeAll(async () => {
  deps = await createTestDeps({}, { now: () => new Date('2026-10-01T01:02:03Z') });
  app = createApp(deps);
  await ensureCentre(deps, '13-641');
  nurseId = await makeStaff(deps, { email: 'ap-nurse@a.jp', role: 'nurse', jurisdictionCode: '13-641', displayName: '監査 看護師' });
  await makeStaff(deps, { email: 'ap-admin@a.jp', role: 'centre_admin', jurisdictionCode: '13-641', displayName: '監査 管理者' });
  const personId = await makePerson(deps, '13-641', { caseNumber: 'AP-0001', name: '監査 太郎' });
  await answerDailyCheck(deps, personId, dailyAnswers('39.6', 'なし')); // a red alert, raised by the rules
  const nurse = new Client(app);
  await nurse.signIn('ap-nurse@a.jp');
  await new Client(app).signIn('ap-nurse@a.jp', 'not the password');
  await bearer(app, await makeToken(deps, 'ap-nurse@a.jp'))('GET', `/api/v1/persons/${personId}`);
  admin = new Client(app);
  await admin.signIn('ap-admin@a.jp');
});
afterAll(async () => deps?.close());

const rowsOf = (html: string) => html.split('<tr').slice(2);

describe('the audit page', () => {
  it('names people and staff, labels actions in Japanese, shows seconds, and credits alerts to the system', async () => {
    const html = await (await admin.get('/admin/audit')).text();
    expect(html).toContain('AP-0001 監査 太郎');
    expect(html).toMatch(/2026-10-01 10:02:03/); // Japan time, to the second
    expect(html).toContain('ログイン失敗');
    expect(html).not.toMatch(/>login_failed</);
    const raise = rowsOf(html).find((r) => r.includes('data-action="raise"'))!;
    expect(raise).toContain('data-actor="system"');
    expect(raise).toContain('システム');
    expect(raise).not.toContain('対象者本人');
    // A sign-in is about the staff account, named.
    const logins = rowsOf(html).filter((r) => r.includes('data-action="login"'));
    expect(logins.some((r) => r.includes('監査 看護師'))).toBe(true);
  });

  it('filters by case number, staff, action and date', async () => {
    const byCase = await (await admin.get('/admin/audit?caseNumber=AP-0001')).text();
    expect(rowsOf(byCase).length).toBeGreaterThan(0);
    expect(rowsOf(byCase).every((r) => r.includes('AP-0001'))).toBe(true);
    const byStaff = await (await admin.get(`/admin/audit?staffId=${nurseId}`)).text();
    expect(rowsOf(byStaff).length).toBeGreaterThanOrEqual(3); // sign-in, failed sign-in, the API read
    expect(rowsOf(byStaff).every((r) => r.includes('監査 看護師'))).toBe(true);
    const failures = await (await admin.get('/admin/audit?action=login_failed')).text();
    expect(rowsOf(failures).length).toBe(1);
    const otherDay = await (await admin.get('/admin/audit?from=2026-10-02')).text();
    expect(otherDay).toContain('記録はありません');
  });
});
