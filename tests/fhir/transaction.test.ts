import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, persons, testRecords } from '../../db/schema';
import { createApp } from '../../src/app';
import { ensureCentre } from '../admin/support';
import { createTestDeps, type TestDeps } from '../support/deps';
import { accessToken, fhirCaller, makeClient, makeKey, type TestApp } from './support';
import { expectValidFhir } from './validity';

const WRITE = 'system/Bundle.c system/Patient.crs system/Condition.crs system/Observation.c';
const golden = () => JSON.parse(readFileSync(new URL('./testdata/registration-bundle.json', import.meta.url), 'utf8'));
let deps: TestDeps;
let app: TestApp;
let call: ReturnType<typeof fhirCaller>;
let readOnly: ReturnType<typeof fhirCaller>;

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  await ensureCentre(deps, '13-931');
  await ensureCentre(deps, '27-931', '大阪の保健所', '27');
  const key = await makeKey('ES384');
  const client = await makeClient(deps, { jurisdiction: '13', scope: `${WRITE} system/Flag.rs`, key });
  call = fhirCaller(app, await accessToken(app, client, key, WRITE));
  readOnly = fhirCaller(app, await accessToken(app, client, key, 'system/Patient.rs system/Flag.rs'));
});
afterAll(async () => {
  await deps?.close();
});

const personCount = async () => (await deps.db.select().from(persons)).length;
const post = (body: unknown, path = '/fhir/Bundle', caller = call) => caller(path, { method: 'POST', json: body });

describe('POST /fhir/Bundle (transaction)', () => {
  it('the golden example is valid FHIR R4', () => {
    expectValidFhir(golden());
  });

  it('registers a person through registerPerson, with the Condition and a lab result, audited', async () => {
    const res = await post(golden());
    expect(res.status).toBe(200);
    const body = await res.json();
    expectValidFhir(body);
    expect(body.type).toBe('transaction-response');
    expect(body.entry[0].response.status).toBe('201 Created');
    const personId = body.entry[0].response.location.replace('Patient/', '');
    const [p] = await deps.db.select().from(persons).where(eq(persons.id, personId));
    expect(p).toMatchObject({ caseNumber: 'FX-0001', name: '鈴木 一郎', nameKana: 'スズキ イチロウ', dateOfBirth: '1955-09-12', sex: 'male', phone: '+819033334444', classification: 'confirmed', onsetDate: '2026-04-28', diagnosisDate: '2026-04-30', status: 'home_recuperation' });
    const [t] = await deps.db.select().from(testRecords).where(eq(testRecords.personId, personId));
    expect(t).toMatchObject({ method: 'pcr', result: 'positive', specimenDate: '2026-04-29', resultDate: '2026-04-30' });
    const audit = await deps.db.select().from(auditLog).where(and(eq(auditLog.personId, personId), eq(auditLog.action, 'create')));
    expect(audit.map((a) => a.entity).sort()).toEqual(['person', 'test_record']);
    const read = await (await call(`/fhir/Patient/${personId}`)).json();
    expect(read.identifier[0].value).toBe('FX-0001');
  });

  it('a conditional create on the case number answers the existing person and never duplicates', async () => {
    const before = await personCount();
    const res = await post(golden(), '/fhir');
    expect(res.status).toBe(200);
    expect((await res.json()).entry[0].response.status).toBe('200 OK');
    expect(await personCount()).toBe(before);
    const plain = golden();
    delete plain.entry[0].request.ifNoneExist;
    const dup = await post(plain);
    expect(dup.status).toBe(409);
    expect((await dup.json()).issue[0].diagnostics).toBe('この保健所に同じ患者IDの対象者がいます');
    expect(await personCount()).toBe(before);
  });

  it('refuses invalid FHIR, a wrong resourceType, a non-transaction Bundle and a bad registration with 400, storing nothing', async () => {
    const before = await personCount();
    const invalid = golden();
    invalid.entry[0].resource.shoeSize = 42;
    invalid.entry[0].resource.birthDate = '12/09/1955';
    invalid.entry[0].resource.identifier[0].value = 'FX-0002';
    delete invalid.entry[0].request.ifNoneExist;
    const r1 = await post(invalid);
    expect(r1.status).toBe(400);
    const oo = await r1.json();
    expect(oo.resourceType).toBe('OperationOutcome');
    expect(oo.issue[0].diagnostics).toMatch(/FHIR R4 として正しくありません/);
    expect((await post({ resourceType: 'Patient', name: [{ text: 'x' }] })).status).toBe(400);
    expect((await post({ ...golden(), type: 'batch' })).status).toBe(400);
    expect((await call('/fhir/Bundle', { method: 'POST', body: '{not json', headers: { 'content-type': 'application/fhir+json' } })).status).toBe(400);
    const noCase = golden();
    noCase.entry[0].resource.identifier = [{ system: 'urn:example', value: 'x' }];
    delete noCase.entry[0].request.ifNoneExist;
    const r2 = await post(noCase);
    expect(r2.status).toBe(422);
    expect((await r2.json()).issue[0].diagnostics).toMatch(/患者ID/);
    const badDates = golden();
    badDates.entry[0].resource.identifier[0].value = 'FX-0003';
    badDates.entry[0].request.ifNoneExist = 'identifier=https://mimamori.jp/fhir/sid/case-number/13-931|FX-0003';
    badDates.entry[2].resource.effectiveDateTime = '2099-01-01';
    expect((await post(badDates)).status).toBe(422);
    expect(await personCount()).toBe(before);
  });

  it("refuses a health centre of another prefecture (403) and a token without Bundle.c (403)", async () => {
    const before = await personCount();
    const osaka = golden();
    osaka.entry[0].resource.identifier = [{ system: 'https://mimamori.jp/fhir/sid/case-number/27-931', value: 'OS-9' }];
    osaka.entry[0].request.ifNoneExist = 'identifier=https://mimamori.jp/fhir/sid/case-number/27-931|OS-9';
    expect((await post(osaka)).status).toBe(403);
    const r = await post(golden(), '/fhir/Bundle', readOnly);
    expect(r.status).toBe(403);
    expect((await r.json()).issue[0].code).toBe('forbidden');
    expect(await personCount()).toBe(before);
  });
});
