import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { answerDailyCheck, dailyAnswers } from '../admin/fixtures';
import { buildScopeWorld, VISIBLE } from '../admin/scope-world';
import { bearer, Client, makeToken } from '../admin/support';

/**
 * Every role × scope, for the CSV exports (persons and observations) and the console pages
 * (tests/admin/scope-matrix.test.ts covers the JSON API). A person out of scope is absent
 * from exports and lists and answers 404 on every page, exactly like one that does not exist.
 */
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
const P: Record<string, string> = {};
const CASE: Record<string, string> = { a: 'RM-A-001', b: 'RM-B-001', osaka: 'RM-O-001', shared: 'RM-S-001' };
const api: Record<string, ReturnType<typeof bearer>> = {};
const pages: Record<string, Client> = {};


/** Sign in to the console; prefecture and national officers enrol a second factor first. */
async function consoleSession(email: string): Promise<Client> {
  const c = new Client(app);
  const res = await c.signIn(email);
  if (res.headers.get('location') === '/admin/login/totp') {
    const enrol = await (await c.get('/admin/login/totp')).text();
    const secret = /data-totp-secret="?[^>]*>([A-Z2-7]+)</.exec(enrol)![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(enrol)![1]!;
    const code = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: deps.now().getTime() });
    const done = await c.request('/admin/login/totp', { method: 'POST', body: new URLSearchParams({ _csrf: csrf, code }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(done.status).toBe(303);
    await c.refreshCsrf();
  }
  expect((await c.get('/admin/account')).status, email).toBe(200);
  return c;
}

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  const world = await buildScopeWorld(deps, { a: '13-641', b: '13-642', osaka: '27-641', clinic: 'RM-CLINIC', emailPrefix: 'rm-', person: Object.fromEntries(Object.entries(CASE).map(([k, caseNumber]) => [k, { caseNumber }])) });
  Object.assign(P, world.P);
  for (const id of Object.values(P)) await answerDailyCheck(deps, id, dailyAnswers('37.2', 'なし'));
  for (const [who, email] of Object.entries(world.emails)) {
    api[who] = bearer(app, await makeToken(deps, email));
    pages[who] = await consoleSession(email);
  }
}, 120_000);
afterAll(async () => {
  await deps?.close();
});

/** The case numbers in a CSV export (UTF-8 with BOM). */
const casesIn = (csv: string) => Object.entries(CASE).filter(([, n]) => csv.includes(n)).map(([k]) => k).sort();

describe('CSV exports: every role gets exactly its scope', () => {
  for (const [who, visible] of Object.entries(VISIBLE)) {
    it(`${who}: persons.csv and observations.csv hold ${visible.join(', ')} and nothing else`, async () => {
      for (const kind of ['persons', 'observations']) {
        const res = await api[who]!('GET', `/api/v1/export/${kind}.csv`);
        expect(res.status, `${who} ${kind}`).toBe(200);
        expect(casesIn(await res.text()), `${who} ${kind}`).toEqual([...visible].sort());
      }
      // The same through the console session (the export links on the reports page).
      const viaConsole = await pages[who]!.get('/api/v1/export/persons.csv');
      expect(casesIn(await viaConsole.text()), `${who} console`).toEqual([...visible].sort());
    });
  }

  it('the national extract is pseudonymous: case numbers, no names or phones', async () => {
    const csv = await (await api.national!('GET', '/api/v1/export/persons.csv')).text();
    expect(csv).toContain(CASE.osaka);
    expect(csv).not.toContain('オオサカ 患者');
    expect(csv).not.toContain('+8190');
    expect(await (await api.pref13!('GET', '/api/v1/export/persons.csv')).text()).toContain('ビー 患者');
  });
});

describe('console pages: every role, not only the nurse', () => {
  for (const [who, visible] of Object.entries(VISIBLE)) {
    it(`${who}: person pages answer 200 for ${visible.join(', ')} and 404 otherwise; lists and search stay in scope`, async () => {
      const c = pages[who]!;
      for (const [key, id] of Object.entries(P)) {
        const expected = visible.includes(key) ? 200 : 404;
        expect((await c.get(`/admin/persons/${id}`)).status, `${who} page ${key}`).toBe(expected);
        const search = await (await c.get(`/admin/persons?list=all&q=${CASE[key]}`)).text();
        // The search box echoes the term; a result is a link to the person.
        expect(search.includes(`href="/admin/persons/${id}"`), `${who} search ${key}`).toBe(visible.includes(key));
        if (expected === 404) {
          // Acting on it is the same 404, and nothing is issued (a clinician may not issue codes at all: 403 for every id).
          expect((await c.form(`/admin/persons/${id}/link-code`, {})).status, `${who} link-code ${key}`).toBe(who === 'clinicianX' ? 403 : 404);
        }
      }
      const list = await (await c.get('/admin/persons?list=all')).text();
      expect(casesIn(list), `${who} list`).toEqual([...visible].sort());
    });
  }

  it('administration pages follow the role: audit log and staff for centre_admin and up only', async () => {
    for (const [who, c] of Object.entries(pages)) {
      const admin = ['adminA', 'pref13', 'national'].includes(who);
      expect((await c.get('/admin/audit')).status, `${who} audit`).toBe(admin ? 200 : 403);
      expect((await c.get('/admin/staff')).status, `${who} staff`).toBe(admin ? 200 : 403);
    }
  });
});
