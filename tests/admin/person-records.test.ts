import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, personContacts, persons, testRecords } from '../../db/schema';
import { createApp } from '../../src/app';
import { fillPlannedEnds } from '../../src/domain/rounds/plan-monitoring-ends';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makePerson } from './fixtures';
import { bearer, Client, ensureCentre, makeStaff, makeToken } from './support';

/** Issue 2 #5: test records, contacts, hospital stay and outcome are writable (API, pages), scoped and audited. */
const NOW = new Date('2026-05-10T03:00:00Z');
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let api: ReturnType<typeof bearer>;
let otherCentre: ReturnType<typeof bearer>;
let nurse: Client;
let a: string;
let b: string;
let elsewhere: string;

beforeAll(async () => {
  deps = await createTestDeps({}, { now: () => NOW });
  app = createApp(deps);
  await ensureCentre(deps, '13-741');
  await ensureCentre(deps, '13-742');
  await makeStaff(deps, { email: 'rec@n.jp', role: 'nurse', jurisdictionCode: '13-741' });
  await makeStaff(deps, { email: 'rec-b@n.jp', role: 'nurse', jurisdictionCode: '13-742' });
  api = bearer(app, await makeToken(deps, 'rec@n.jp'));
  otherCentre = bearer(app, await makeToken(deps, 'rec-b@n.jp'));
  nurse = new Client(app);
  await nurse.signIn('rec@n.jp');
  a = await makePerson(deps, '13-741', { caseNumber: 'R-A', name: '記録 一郎', classification: 'asymptomatic' });
  b = await makePerson(deps, '13-741', { caseNumber: 'R-B', name: '接触 二郎', classification: 'close_contact' });
  elsewhere = await makePerson(deps, '13-742', { caseNumber: 'R-X', name: '他所 三郎' });
});
afterAll(async () => deps?.close());

const audits = (personId: string, entity: string) => deps.db.select().from(auditLog).where(and(eq(auditLog.personId, personId), eq(auditLog.entity, entity)));

describe('test records', () => {
  it('are recorded and completed through the API, validated, audited and scoped', async () => {
    const bad = await api('POST', `/api/v1/persons/${a}/tests`, { specimenDate: '2026-05-08', resultDate: '2026-05-07', method: 'smell' });
    expect(bad.status).toBe(422);
    expect((await bad.json()).fields.map((f: { field: string }) => f.field)).toEqual(['method']);
    const before = await api('POST', `/api/v1/persons/${a}/tests`, { specimenDate: '2026-05-08', resultDate: '2026-05-07', method: 'pcr' });
    expect(before.status).toBe(422);
    expect((await before.json()).fields[0]).toMatchObject({ field: 'resultDate', messageJa: '検体採取日より前にはできません' });

    const res = await api('POST', `/api/v1/persons/${a}/tests`, { specimenDate: '2026-05-08', method: 'antigen_quantitative' });
    expect(res.status).toBe(201);
    const test = await res.json();
    expect(test).toMatchObject({ specimenDate: '2026-05-08', method: 'antigen_quantitative', result: 'pending', resultDate: null });
    const done = await api('PATCH', `/api/v1/persons/${a}/tests/${test.id}`, { result: 'positive', resultDate: '2026-05-09' });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ result: 'positive', resultDate: '2026-05-09', specimenDate: '2026-05-08' });
    expect((await audits(a, 'test_record')).map((r) => r.action).sort()).toEqual(['create', 'update']);

    // Out of scope, or a test of another person: not found, and nothing changes.
    expect((await otherCentre('POST', `/api/v1/persons/${a}/tests`, { method: 'pcr' })).status).toBe(404);
    expect((await otherCentre('PATCH', `/api/v1/persons/${a}/tests/${test.id}`, { result: 'negative' })).status).toBe(404);
    expect((await api('PATCH', `/api/v1/persons/${b}/tests/${test.id}`, { result: 'negative' })).status).toBe(404);
    const [row] = await deps.db.select().from(testRecords).where(eq(testRecords.id, test.id));
    expect(row!.result).toBe('positive');
    const record = await (await api('GET', `/api/v1/persons/${a}`)).json();
    expect(record.tests.map((t: { id: string }) => t.id)).toEqual([test.id]);
  });

  it('give the asymptomatic carrier the end of monitoring counted from the first positive specimen', async () => {
    const p = await makePerson(deps, '13-741', { caseNumber: 'R-ASYM', classification: 'asymptomatic' });
    await fillPlannedEnds(deps.db, NOW);
    expect((await deps.db.select().from(persons).where(eq(persons.id, p)))[0]!.monitoringPlannedEnd).toBeNull();
    await api('POST', `/api/v1/persons/${p}/tests`, { specimenDate: '2026-05-02', method: 'pcr', result: 'negative' });
    await api('POST', `/api/v1/persons/${p}/tests`, { specimenDate: '2026-05-06', method: 'pcr', result: 'positive' });
    await fillPlannedEnds(deps.db, NOW);
    // monitoring_end_rules: asymptomatic, basis specimen, 7 days.
    expect((await deps.db.select().from(persons).where(eq(persons.id, p)))[0]!.monitoringPlannedEnd).toBe('2026-05-13');
  });
});

describe('contacts', () => {
  it('link two persons in scope by case number or id, both ways, audited on both records', async () => {
    const res = await api('POST', `/api/v1/persons/${a}/contacts`, { contactCaseNumber: 'R-B', setting: '同居', lastContactDate: '2026-05-07' });
    expect(res.status).toBe(201);
    const { id } = await res.json();
    expect((await api('POST', `/api/v1/persons/${a}/contacts`, { contactPersonId: b })).status).toBe(409);
    expect((await api('POST', `/api/v1/persons/${a}/contacts`, { contactPersonId: a })).status).toBe(422);
    // A person of another centre is "not in your scope", exactly like one that does not exist.
    const outside = await api('POST', `/api/v1/persons/${a}/contacts`, { contactPersonId: elsewhere });
    const missing = await api('POST', `/api/v1/persons/${a}/contacts`, { contactPersonId: '00000000-0000-4000-8000-000000000000' });
    expect([outside.status, missing.status]).toEqual([422, 422]);
    expect((await outside.json()).fields).toEqual((await missing.json()).fields);

    const fromB = await (await api('GET', `/api/v1/persons/${b}`)).json();
    expect(fromB.contacts).toEqual([expect.objectContaining({ id, direction: 'source', setting: '同居', lastContactDate: '2026-05-07', other: expect.objectContaining({ id: a, caseNumber: 'R-A' }) })]);
    expect((await api('PATCH', `/api/v1/persons/${b}/contacts/${id}`, { setting: '職場' })).status).toBe(200);
    expect((await deps.db.select().from(personContacts).where(eq(personContacts.id, id)))[0]!.setting).toBe('職場');
    expect((await audits(a, 'person_contact')).map((r) => r.action)).toContain('link_contact');
    expect((await audits(b, 'person_contact')).map((r) => r.action).sort()).toEqual(['link_contact', 'update']);

    expect((await otherCentre('DELETE', `/api/v1/persons/${a}/contacts/${id}`)).status).toBe(404);
    expect((await api('DELETE', `/api/v1/persons/${a}/contacts/${id}`)).status).toBe(204);
    expect(await deps.db.select().from(personContacts).where(eq(personContacts.id, id))).toEqual([]);
  });
});

describe('hospital stay, intensive care and outcome', () => {
  it('are written by PATCH, with dates checked against each other', async () => {
    const bad = await api('PATCH', `/api/v1/persons/${a}`, { admissionDate: '2026-05-05', dischargeDate: '2026-05-01' });
    expect(bad.status).toBe(422);
    expect((await bad.json()).fields[0].field).toBe('dischargeDate');
    const ok = await api('PATCH', `/api/v1/persons/${a}`, { admissionDate: '2026-05-01', dischargeDate: '2026-05-05', icuUsed: true, ventilatorUsed: true, ecmoUsed: false });
    expect(ok.status).toBe(200);
    expect((await ok.json()).changed.sort()).toEqual(['admissionDate', 'dischargeDate', 'icuUsed', 'ventilatorUsed']);
    const [row] = await deps.db.select().from(persons).where(eq(persons.id, a));
    expect(row).toMatchObject({ admissionDate: '2026-05-01', dischargeDate: '2026-05-05', icuUsed: true, ventilatorUsed: true, ecmoUsed: false });
    expect((await api('PATCH', `/api/v1/persons/${a}`, { dateOfDeath: '1900-01-01' })).status).toBe(422);
  });
});

describe('on the person page', () => {
  it('records a test, links a contact and saves the clinical fields from the forms', async () => {
    const p = await makePerson(deps, '13-741', { caseNumber: 'R-PAGE', name: '画面 四郎' });
    expect((await nurse.form(`/admin/persons/${p}/tests`, { specimenDate: '2026-05-09', method: 'pcr', result: 'pending', resultDate: '' })).status).toBe(303);
    const [test] = await deps.db.select().from(testRecords).where(eq(testRecords.personId, p));
    expect((await nurse.form(`/admin/persons/${p}/tests/${test!.id}`, { result: 'positive', resultDate: '2026-05-10' })).status).toBe(303);
    expect((await nurse.form(`/admin/persons/${p}/contacts`, { contactCaseNumber: 'R-B', setting: '職場', lastContactDate: '' })).status).toBe(303);
    const wrong = await nurse.form(`/admin/persons/${p}/contacts`, { contactCaseNumber: 'R-X' });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain('該当する対象者が見つかりません');

    const edit = { caseNumber: 'R-PAGE', name: '画面 四郎', classification: 'confirmed', admissionDate: '2026-05-03', dischargeDate: '', dateOfDeath: '', icuUsed: 'on', ecmoUsed: 'on' };
    expect((await nurse.form(`/admin/persons/${p}/edit`, edit)).status).toBe(303);
    const html = await (await nurse.get(`/admin/persons/${p}`)).text();
    expect(html).toMatch(/<section class="card" id="tests">[\s\S]*2026-05-09<\/td><td>PCR検査<\/td><td>陽性<\/td><td>2026-05-10/);
    // The forms are in the 検査 dialog (opened from the action bar): the recorded result selected there.
    expect(html).toMatch(/<dialog id="dlg-tests"[\s\S]*id="add-test"[\s\S]*<option value="positive" selected="">陽性[\s\S]*<\/dialog>/);
    expect(html).toContain('接触 二郎');
    expect(html).toMatch(/id="person-clinical">[\s\S]*入院日 2026-05-03[\s\S]*ICU入室[\s\S]*ECMOの使用/);
    const form = await (await nurse.get(`/admin/persons/${p}/edit`)).text();
    expect(form).toMatch(/name="icuUsed" checked=""/);
    expect(form).toMatch(/name="ventilatorUsed"\s*\/?>/);
  });

  it('are described in the OpenAPI document', async () => {
    const doc = await (await app.request('/api/v1/openapi.json')).json();
    expect(Object.keys(doc.paths['/persons/{id}/tests'])).toEqual(['post']);
    expect(Object.keys(doc.paths['/persons/{id}/tests/{testId}'])).toEqual(['patch']);
    expect(Object.keys(doc.paths['/persons/{id}/contacts/{contactId}']).sort()).toEqual(['delete', 'patch']);
    const patch = doc.paths['/persons/{id}'].patch.requestBody.content['application/json'].schema.properties;
    for (const f of ['admissionDate', 'dischargeDate', 'icuUsed', 'ventilatorUsed', 'ecmoUsed', 'dateOfDeath']) expect(patch).toHaveProperty(f);
  });
});
