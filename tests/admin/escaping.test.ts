import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { systemActor, withTransaction } from '../../src/domain/context';
import { noteAlert } from '../../src/domain/alerts/note-alert';
import { createTestDeps, type TestDeps } from '../support/deps';
import { answerDailyCheck, dailyAnswers, HOSTILE, makeAlert, makePerson } from './fixtures';
import { Client, ensureCentre, makeStaff } from './support';

/**
 * Text a patient typed (a free comment on LINE), a name or address typed by a careless
 * import, and a nurse's note must show as text on every page: never as markup, never as a
 * javascript: link.
 */
let deps: TestDeps;
let client: Client;
let personId: string;
let alertId: string;

beforeAll(async () => {
  deps = await createTestDeps();
  const app = createApp(deps);
  await ensureCentre(deps, '13-501');
  await makeStaff(deps, { email: 'x@e.jp', role: 'centre_admin', jurisdictionCode: '13-501' });
  personId = await makePerson(deps, '13-501', {
    name: HOSTILE[0],
    nameKana: HOSTILE[1],
    address: HOSTILE[2],
    riskFactors: [HOSTILE[1]],
    underlyingConditions: [HOSTILE[0]],
    activityHistory: HOSTILE.join(' '),
  });
  await answerDailyCheck(deps, personId, dailyAnswers('39.1', HOSTILE[0]));
  alertId = await makeAlert(deps, personId, { reasons: [{ ruleId: 'comment', ja: HOSTILE[1], en: HOSTILE[1], values: { comment: HOSTILE[0] } }] });
  await withTransaction(deps.db, { actor: systemActor('test'), now: new Date() }, (ctx) => noteAlert({ ctx, input: { alertId, note: `${HOSTILE[1]} ${HOSTILE[2]}` } }));
  client = new Client(app);
  await client.signIn('x@e.jp');
});
afterAll(async () => {
  await deps?.close();
});

function expectInert(html: string) {
  expect(html).not.toContain('<script>alert(1)</script>');
  expect(html).not.toContain('<img src=x');
  expect(html).not.toMatch(/<img[^>]*onerror/i);
  expect(html).not.toMatch(/(href|src|action)="\s*javascript:/i);
  // Every script the page loads is a file of ours: no inline code at all.
  for (const tag of html.match(/<script[^>]*>[\s\S]*?<\/script>/g) ?? []) expect(tag).toMatch(/^<script src="\/admin\/assets\/[\w.-]+"[^>]*><\/script>$/);
}

describe('hostile text is escaped on every page', () => {
  const pages = () => [
    ['triage queue', '/admin'],
    ['queue rows fragment', '/admin/triage/rows'],
    ['alert detail', `/admin/alerts/${alertId}`],
    ['person list', '/admin/persons?list=all'],
    ['person search', `/admin/persons?list=all&q=${encodeURIComponent('<script>')}`],
    ['person page', `/admin/persons/${personId}`],
    ['person edit', `/admin/persons/${personId}/edit`],
    ['audit log', '/admin/audit'],
  ] as const;

  it('on each page the text is shown escaped, and nothing runs', async () => {
    for (const [what, path] of pages()) {
      const res = await client.get(path);
      expect(res.status, what).toBe(200);
      const html = await res.text();
      expectInert(html);
      if (what !== 'audit log' && what !== 'person search') expect(html, what).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });

  it('the patient\'s free comment and the nurse\'s note are escaped where they appear', async () => {
    const alert = await (await client.get(`/admin/alerts/${alertId}`)).text();
    expect(alert).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(alert).toContain('javascript:alert(1)'); // as text, in the note
    const person = await (await client.get(`/admin/persons/${personId}`)).text();
    expect(person.match(/&lt;script&gt;alert\(1\)&lt;\/script&gt;/g)!.length).toBeGreaterThanOrEqual(3);
  });

  it('a validation error re-shows the typed value escaped', async () => {
    const res = await client.form('/admin/persons', { caseNumber: '', name: HOSTILE[1], classification: 'confirmed', phone: HOSTILE[2] });
    expect(res.status).toBe(422);
    const html = await res.text();
    expectInert(html);
    expect(html).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
  });

  it('the JSON API returns the text as data, with a JSON content type', async () => {
    const res = await client.json('GET', `/api/v1/persons/${personId}`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await res.json()).person.name).toBe(HOSTILE[0]);
  });
});
