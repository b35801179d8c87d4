import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { insertAlert, insertAnsweredCheck, insertPerson } from './flows-reports-fixtures';
import { Client, ensureCentre, makeStaff } from './support';

const NOW = new Date('2026-03-10T03:00:00Z');
let deps: TestDeps;
let nurse: Client;

beforeAll(async () => {
  deps = await createTestDeps({}, { now: () => NOW });
  const a = await ensureCentre(deps, '13-821', 'みなと<b>保健所</b>');
  const b = await ensureCentre(deps, '13-822', 'しながわ保健所');
  const p = await insertPerson(deps.db, a, { status: 'home_recuperation', classification: 'confirmed' });
  await insertPerson(deps.db, a, { status: 'close_contact', classification: 'close_contact' });
  const other = await insertPerson(deps.db, b, { status: 'hospitalized', classification: 'confirmed' });
  await insertAlert(deps.db, p.id, a, 'red', new Date('2026-03-10T01:00:00Z'));
  await insertAlert(deps.db, other.id, b, 'red', new Date('2026-03-10T01:00:00Z'));
  await insertAnsweredCheck(deps.db, p.id, '2026-03-10', { round: '09:00' });
  await insertAnsweredCheck(deps.db, p.id, '2026-03-10', { round: '15:00', status: 'missed' });
  await makeStaff(deps, { email: 'nurse@rpages.jp', role: 'nurse', jurisdictionCode: '13-821' });
  nurse = new Client(createApp(deps));
  await nurse.signIn('nurse@rpages.jp');
});
afterAll(async () => deps?.close());

describe('/admin/reports', () => {
  it("shows the nurse's scope as tables with chart data, uPlot served locally, and the export forms", async () => {
    const res = await nurse.get('/admin/reports');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('src="/admin/assets/uPlot.iife.min.js"');
    expect(html).toContain('src="/admin/assets/reports.js"');
    expect(html).toContain('<td class="num" id="persons-total">2</td>');
    expect(html).not.toContain('入院');
    expect(html).toMatch(/id="checks-per-round"[\s\S]*09:00[\s\S]*100%[\s\S]*15:00[\s\S]*0%/);
    expect(html).toMatch(/data-chart="bars" data-series="\{&quot;x&quot;:\[&quot;2026-02-25&quot;/);
    expect(html).toContain('みなと&lt;b&gt;保健所&lt;/b&gt;');
    expect(html).not.toContain('13-822');
    expect(html).toContain('action="/api/v1/export/persons.csv"');
    expect(html).toContain('action="/api/v1/export/observations.csv"');
    expect((await nurse.get('/admin/assets/reports.js')).status).toBe(200);
    expect((await nurse.get('/admin/assets/uPlot.iife.min.js')).status).toBe(200);
  });

  it('keeps the page on a bad date, with the problem shown and the default period', async () => {
    const res = await nurse.get('/admin/reports?from=2026-03-11&to=2026-03-01');
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('class="error-summary"');
    expect(html).toContain('value="2026-02-25"');
  });
});
