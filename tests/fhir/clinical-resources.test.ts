import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { answerDailyCheck, dailyAnswers, makeAlert, makePerson } from '../admin/fixtures';
import { ensureCentre, ensureInstitution } from '../admin/support';
import { createTestDeps, type TestDeps } from '../support/deps';
import { accessToken, fhirCaller, makeClient, makeKey, type TestApp } from './support';
import { expectValidFhir } from './validity';

const ALL = 'system/Patient.rs system/Observation.rs system/Questionnaire.rs system/QuestionnaireResponse.rs system/Condition.rs system/Encounter.rs system/Organization.rs system/Flag.rs';
let deps: TestDeps;
let app: TestApp;
let call: ReturnType<typeof fhirCaller>;
let tokyo: string;
let contact: string;
let osaka: string;
let session: string;

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  const centre = await ensureCentre(deps, '13-921');
  await ensureCentre(deps, '27-921', '大阪の保健所', '27');
  await ensureInstitution(deps, '1312345678', centre);
  tokyo = await makePerson(deps, '13-921', { onsetDate: '2026-04-28', diagnosisDate: '2026-04-30', admissionDate: '2026-05-02', reportingInstitutionCode: '1312345678', status: 'hospitalized' });
  contact = await makePerson(deps, '13-921', { classification: 'close_contact', lastContactDate: '2026-04-29' });
  osaka = await makePerson(deps, '27-921');
  session = await answerDailyCheck(deps, tokyo, dailyAnswers('38.4', '<b>つらい</b>'));
  await answerDailyCheck(deps, osaka, dailyAnswers('37.0', 'なし'));
  await makeAlert(deps, tokyo, { severity: 'red' });
  await makeAlert(deps, osaka, { severity: 'amber' });
  const key = await makeKey('RS384');
  const client = await makeClient(deps, { jurisdiction: '13', scope: ALL, key });
  call = fhirCaller(app, await accessToken(app, client, key, ALL));
});
afterAll(async () => {
  await deps?.close();
});

const bundleOf = async (path: string) => {
  const res = await call(path);
  expect(res.status, path).toBe(200);
  const b = await res.json();
  expectValidFhir(b);
  return (b.entry ?? []).map((e: { resource: Record<string, unknown> }) => e.resource);
};

describe('Questionnaire and QuestionnaireResponse', () => {
  it('serves published flow versions as Questionnaires whose items are the questions', async () => {
    const qs = await bundleOf('/fhir/Questionnaire?url=https://mimamori.jp/fhir/Questionnaire/patient-daily');
    expect(qs.length).toBeGreaterThan(0);
    const q = qs[0] as { status: string; version: string; item: { linkId: string; type: string }[] };
    expect(q.status).toBe('active');
    expect(q.item.find((i) => i.linkId === 'temperature')!.type).toBe('decimal');
    expect(q.item.find((i) => i.linkId === 'breathless')!.type).toBe('choice');
    expect(q.item.find((i) => i.linkId === 'urgent')).toMatchObject({ repeats: true });
  });

  it("reads the day's QuestionnaireResponses with typed answers linked to the items, within the prefecture", async () => {
    const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
    const qrs = await bundleOf(`/fhir/QuestionnaireResponse?authored=${today}`);
    expect(qrs.map((r: { id: string }) => r.id)).toEqual([session]);
    const qr = qrs[0] as { status: string; questionnaire: string; subject: { reference: string }; item: { linkId: string; answer: Record<string, unknown>[] }[] };
    expect(qr.status).toBe('completed');
    expect(qr.questionnaire).toMatch(/^https:\/\/mimamori\.jp\/fhir\/Questionnaire\/patient-daily\|\d+$/);
    expect(qr.subject.reference).toBe(`Patient/${tokyo}`);
    expect(qr.item.find((i) => i.linkId === 'temperature')!.answer).toEqual([{ valueDecimal: 38.4 }]);
    expect(qr.item.find((i) => i.linkId === 'breathless')!.answer[0]!.valueCoding).toMatchObject({ code: 'N' });
    expect(qr.item.find((i) => i.linkId === 'comment')!.answer).toEqual([{ valueString: '<b>つらい</b>' }]);
    expect(await bundleOf(`/fhir/QuestionnaireResponse?patient=${osaka}`)).toEqual([]);
    expect(await bundleOf('/fhir/QuestionnaireResponse?authored=lt2000-01-01')).toEqual([]);
  });
});

describe('Condition, Encounter, Organization, Flag', () => {
  it('gives the notified disease as a Condition with classification, onset and diagnosis date; none for a close contact', async () => {
    const conditions = await bundleOf('/fhir/Condition');
    expect(conditions.map((c: { id: string }) => c.id)).toEqual([tokyo]);
    expect(conditions[0]).toMatchObject({ onsetDateTime: '2026-04-28', recordedDate: '2026-04-30', verificationStatus: { coding: [{ code: 'confirmed' }] } });
    expect(JSON.stringify(conditions[0].category)).toContain('"confirmed"');
    expect((await call(`/fhir/Condition/${contact}`)).status).toBe(404);
    expect((await call(`/fhir/Condition/${osaka}`)).status).toBe(404);
  });

  it('gives a hospital stay as an inpatient Encounter', async () => {
    const [e] = await bundleOf(`/fhir/Encounter?patient=${tokyo}`);
    expect(e).toMatchObject({ status: 'in-progress', class: { code: 'IMP' }, period: { start: '2026-05-02' } });
    expect(await bundleOf(`/fhir/Encounter?patient=${contact}`)).toEqual([]);
  });

  it('lists the health centres and institutions of the prefecture as Organizations (医療機関コード identifier)', async () => {
    const orgs = await bundleOf('/fhir/Organization?_count=500');
    const ids = orgs.map((o: { identifier: { system: string; value: string }[] }) => o.identifier[0]!.value);
    expect(ids).toContain('13-921');
    expect(ids).toContain('1312345678');
    expect(ids).not.toContain('27-921');
    const [inst] = await bundleOf('/fhir/Organization?identifier=http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no|1312345678');
    expect(inst.type[0].coding[0].code).toBe('prov');
  });

  it('gives open alerts as active Flags with their priority, only within the prefecture', async () => {
    const flags = await bundleOf('/fhir/Flag');
    // The 38.4 ℃ answer raised an amber fever alert; makeAlert a red one. Osaka's is not seen.
    expect(flags.map((f: { subject: { reference: string } }) => f.subject.reference)).toEqual([`Patient/${tokyo}`, `Patient/${tokyo}`]);
    const red = flags.find((f: { code: { text: string } }) => f.code.text === '38.5℃以上の発熱');
    expect(red).toMatchObject({ status: 'active' });
    expect(red.extension[0].valueCodeableConcept.coding[0].code).toBe('PH');
  });

  it('answers an id that is not one of ours with 404', async () => {
    expect((await call('/fhir/Flag/not-a-uuid')).status).toBe(404);
    expect((await call('/fhir/Medication')).status).toBe(404);
  });
});
