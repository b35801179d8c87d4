import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { getFlowVersion } from '../../src/domain/flows/flow-queries';
import { systemActor, withTransaction } from '../../src/domain/context';
import { createApiToken } from '../../src/domain/staff/create-api-token';
import { createTestDeps, type TestDeps } from '../support/deps';
import { answerDailyCheck, dailyAnswers, HOSTILE, makeAlert, makePerson } from '../admin/fixtures';
import { Client, ensureCentre, makeStaff } from '../admin/support';

/**
 * Text typed by staff that tests/admin/escaping.test.ts and staff-xss.test.ts do not reach:
 * flow wording (shown in the editor, the diff, the JSON and the simulator), a case number,
 * an API token's name, a health centre's name on the reports, and the flow pages
 * themselves. Each must show as text, never run. (The infection route and symptoms are
 * not on any console page yet: checked to reach the API as JSON only.)
 */
let deps: TestDeps;
let admin: Client;
let personId: string;
const ESCAPED = ['&lt;script&gt;alert(1)&lt;/script&gt;', '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'];

beforeAll(async () => {
  deps = await createTestDeps();
  const app = createApp(deps);
  await ensureCentre(deps, '13-996', `${HOSTILE[0]}保健所`);
  await makeStaff(deps, { email: 'xss2-admin@a.jp', role: 'centre_admin', jurisdictionCode: '13-996' });
  const { id: adminId } = { id: (await deps.db.query.staffUsers.findFirst({ where: (s, { eq }) => eq(s.email, 'xss2-admin@a.jp') }))!.id };
  await withTransaction(deps.db, { actor: systemActor('test'), now: deps.now() }, (ctx) => createApiToken({ ctx, input: { staffId: adminId, name: `${HOSTILE[0]}${HOSTILE[2]}` } }));
  personId = await makePerson(deps, '13-996', { caseNumber: HOSTILE[1], infectionRoute: HOSTILE.join(' '), symptomsAtDiagnosis: [HOSTILE[0]] });
  await answerDailyCheck(deps, personId, dailyAnswers('39.4', 'ok'));
  await makeAlert(deps, personId);
  admin = new Client(app);
  expect((await admin.signIn('xss2-admin@a.jp')).status).toBe(303);
});
afterAll(async () => {
  await deps?.close();
});

/** Nothing in the page can run: no injected markup, no javascript: URL, no inline script. */
function expectInert(what: string, html: string) {
  expect(html, what).not.toContain('<script>alert(1)</script>');
  expect(html, what).not.toMatch(/<img[^>]*onerror/i);
  expect(html, what).not.toMatch(/(href|src|action|formaction)="\s*javascript:/i);
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    expect(m[1], what).toMatch(/src="\/admin\/assets\//);
    expect(m[2]!.trim(), what).toBe('');
  }
}

async function page(path: string, init?: { form: Record<string, string> }) {
  const res = init ? await admin.form(path, init.form) : await admin.get(path);
  const html = await res.text();
  expectInert(path, html);
  return { status: res.status, html };
}

describe('flow wording typed in the editor', () => {
  it('is escaped in the form, the JSON, the diff against the published version and the simulator of each channel', async () => {
    const draft = await admin.form('/admin/flows/patient-daily/drafts', {});
    const at = draft.headers.get('location')!;
    expect(at).toMatch(/\/versions\/\d+$/);
    const n = Number(at.split('/').pop());
    // Every wording of the first question — LINE/web, SMS and voice, ja and en — typed hostile, through the JSON editor.
    const definition = structuredClone((await getFlowVersion(deps.db, 'patient-daily', n)).definition) as { nodes: Record<string, { text: Record<string, unknown> }> };
    const wording = { ja: `${HOSTILE[0]} ${HOSTILE[1]}`, en: `${HOSTILE[2]} ${HOSTILE[0]}` };
    Object.assign(definition.nodes.temperature!.text, wording, { 'ja-easy': wording.ja, channels: { sms: wording, voice: wording } });
    const saved = await admin.form(`${at}/json`, { definition: JSON.stringify(definition) });
    expect(saved.status).toBe(303);

    const version = await page(at);
    expect(version.status).toBe(200);
    for (const e of ESCAPED) expect(version.html).toContain(e); // the form field and the diff
    // The JSON textarea holds it as text too (JSON's own quotes escaped for HTML).
    expect(version.html).toMatch(/<textarea[^>]*>[^<]*\\&quot;&gt;&lt;img src=x/);

    const transcript = (html: string) => /id="transcript">([\s\S]*?)<\/div>\s*<p class="muted">/.exec(html)?.[1] ?? '';
    for (const channel of ['line', 'sms', 'voice']) {
      for (const lang of ['ja', 'en']) {
        const sim = await page(`${at}/simulate`, { form: { channel, inputs: '36.5', lang } });
        expect(sim.status, channel).toBe(200);
        const said = transcript(sim.html);
        expect(said, `${channel} ${lang}`).toContain(ESCAPED[0]);
        if (lang === 'ja') expect(said, channel).toContain(ESCAPED[1]);
        else expect(said, channel).toContain('javascript:alert(1)'); // as text, never a link
      }
    }
    expect((await page('/admin/flows')).status).toBe(200);
  });
});

describe('person fields the earlier tests did not cover', () => {
  it('the case number is escaped on the lists, the search, the person page, the edit form and the triage queue', async () => {
    for (const path of ['/admin/persons?list=all', `/admin/persons?list=all&q=${encodeURIComponent('"><img')}`, `/admin/persons/${personId}`, `/admin/persons/${personId}/edit`, '/admin']) {
      const { status, html } = await page(path);
      expect(status, path).toBe(200);
      expect(html, path).toContain(ESCAPED[1]);
    }
  });

  it('the infection route and symptoms (not shown on console pages yet) reach the API as JSON, never as HTML', async () => {
    for (const path of [`/admin/persons/${personId}`, `/admin/persons/${personId}/edit`]) expectInert(path, (await page(path)).html);
    const res = await admin.get(`/api/v1/persons/${personId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await res.json();
    expect(body.person.infectionRoute).toBe(HOSTILE.join(' '));
    expect(body.person.symptomsAtDiagnosis).toEqual([HOSTILE[0]]);
  });
});

describe('names staff give things', () => {
  it("an API token's name is escaped on the account page", async () => {
    const { status, html } = await page('/admin/account');
    expect(status).toBe(200);
    expect(html).toContain(`${ESCAPED[0]}javascript:alert(1)`);
  });

  it("a health centre's name is escaped on the reports page, and the staff page", async () => {
    const reports = await page('/admin/reports');
    expect(reports.status).toBe(200);
    expect(reports.html).toContain(ESCAPED[0]);
    const staff = await page('/admin/staff');
    expect(staff.status).toBe(200);
  });
});
