import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema';
import { createApp } from '../../src/app';
import { answerDailyCheck, dailyAnswers, makePerson } from '../admin/fixtures';
import { ensureCentre } from '../admin/support';
import { createTestDeps, type TestDeps } from '../support/deps';
import { accessToken, fhirCaller, makeClient, makeKey, type TestApp } from './support';
import { expectValidFhir } from './validity';

let deps: TestDeps;
let app: TestApp;
let call: ReturnType<typeof fhirCaller>;
let tokyo: string;
let tokyo2: string;
let osaka: string;

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  await ensureCentre(deps, '13-911');
  await ensureCentre(deps, '27-911', '大阪の保健所', '27');
  tokyo = await makePerson(deps, '13-911', { caseNumber: 'TK-1', name: '山田 太郎', nameKana: 'ヤマダ タロウ', dateOfBirth: '1948-02-03', sex: 'male', address: '東京都港区1-2-3' });
  tokyo2 = await makePerson(deps, '13-911', { caseNumber: 'TK-2', name: '佐藤 花子', nameKana: 'サトウ ハナコ', dateOfBirth: '1990-07-01', sex: 'female' });
  osaka = await makePerson(deps, '27-911', { caseNumber: 'OS-1', name: '大阪 次郎', nameKana: 'オオサカ ジロウ' });
  await answerDailyCheck(deps, tokyo, dailyAnswers('38.4', 'なし'));
  await answerDailyCheck(deps, osaka, dailyAnswers('37.0', 'なし'));
  const key = await makeKey('ES384');
  const client = await makeClient(deps, { jurisdiction: '13', scope: 'system/Patient.rs system/Observation.rs', key });
  call = fhirCaller(app, await accessToken(app, client, key, 'system/Patient.rs system/Observation.rs'));
});
afterAll(async () => {
  await deps?.close();
});

describe('Patient', () => {
  it('reads a person as JP_Patient with kanji and kana names, valid FHIR, and audits the read', async () => {
    const res = await call(`/fhir/Patient/${tokyo}`);
    expect(res.status).toBe(200);
    const p = await res.json();
    expectValidFhir(p);
    expect(p.meta.profile).toEqual(['http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient']);
    expect(p.name).toEqual([
      expect.objectContaining({ family: '山田', given: ['太郎'], extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation', valueCode: 'IDE' }] }),
      expect.objectContaining({ family: 'ヤマダ', given: ['タロウ'], extension: [expect.objectContaining({ valueCode: 'SYL' })] }),
    ]);
    expect(p).toMatchObject({ birthDate: '1948-02-03', gender: 'male', identifier: [{ system: 'https://mimamori.jp/fhir/sid/case-number/13-911', value: 'TK-1' }] });
    expect(p.telecom[0].value).toBe('+819012345678');
    expect(p.address[0].text).toBe('東京都港区1-2-3');
    const audit = await deps.db.select().from(auditLog).where(and(eq(auditLog.personId, tokyo), eq(auditLog.entity, 'fhir_Patient')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorKind).toBe('token');
  });

  it('answers 404 with an OperationOutcome for a person of another prefecture, exactly like a missing id', async () => {
    const other = await call(`/fhir/Patient/${osaka}`);
    const missing = await call('/fhir/Patient/0b4f3a56-1d2e-4c3b-9a8f-7e6d5c4b3a21');
    expect([other.status, missing.status]).toEqual([404, 404]);
    const [a, b] = [await other.json(), await missing.json()];
    expect(a.issue[0].diagnostics).toBe(b.issue[0].diagnostics.replace('0b4f3a56-1d2e-4c3b-9a8f-7e6d5c4b3a21', osaka));
    expect(a.resourceType).toBe('OperationOutcome');
  });

  it('searches by identifier, name (kanji or kana), birthdate and _lastUpdated, within the prefecture only', async () => {
    const ids = async (q: string) => ((await (await call(`/fhir/Patient?${q}`)).json()).entry ?? []).map((e: { resource: { id: string } }) => e.resource.id);
    expect(await ids('identifier=https://mimamori.jp/fhir/sid/case-number/13-911|TK-1')).toEqual([tokyo]);
    expect(await ids('identifier=OS-1')).toEqual([]);
    expect(await ids('name=ハナコ')).toEqual([tokyo2]);
    expect(await ids('name=大阪')).toEqual([]);
    expect(await ids('birthdate=ge1980-01-01')).toEqual([tokyo2]);
    expect(await ids('birthdate=1948')).toEqual([tokyo]);
    expect((await ids('_lastUpdated=ge2000-01-01')).sort()).toEqual([tokyo, tokyo2].sort());
    expect(await ids('_lastUpdated=lt2000-01-01')).toEqual([]);
  });

  it('pages with _count and Bundle.link next', async () => {
    const first = await (await call('/fhir/Patient?_count=1')).json();
    expectValidFhir(first);
    expect(first.entry).toHaveLength(1);
    const next = first.link.find((l: { relation: string }) => l.relation === 'next').url as string;
    const second = await (await call(next.replace('http://localhost:3000', ''))).json();
    expect(second.entry).toHaveLength(1);
    expect(second.link.some((l: { relation: string }) => l.relation === 'next')).toBe(false);
    expect(second.entry[0].resource.id).not.toBe(first.entry[0].resource.id);
  });

  it('ignores an unknown parameter by default, refuses it under Prefer: handling=strict (400), and refuses a bad date', async () => {
    const lenient = await call('/fhir/Patient?shoe-size=42');
    expect(lenient.status).toBe(200);
    expect((await lenient.json()).link[0].url).not.toContain('shoe-size');
    const strict = await call('/fhir/Patient?shoe-size=42', { headers: { prefer: 'handling=strict' } });
    expect(strict.status).toBe(400);
    const oo = await strict.json();
    expect(oo.issue[0]).toMatchObject({ code: 'not-supported', expression: ['shoe-size'] });
    expect(oo.issue[0].diagnostics).toMatch(/検索パラメータ/);
    const badDate = await call('/fhir/Patient?birthdate=yesterday');
    expect(badDate.status).toBe(400);
    expect((await badDate.json()).issue[0].diagnostics).toMatch(/日付/);
    expect((await call('/fhir/Patient?_count=many')).status).toBe(400);
  });
});

describe('a national client', () => {
  it('gets pseudonymous Patients in searches and the identified record on a read, marked in the audit log', async () => {
    const key = await makeKey('ES384');
    const client = await makeClient(deps, { jurisdiction: 'JP', scope: 'system/Patient.rs', key });
    const nation = fhirCaller(app, await accessToken(app, client, key, 'system/Patient.rs'));
    const list = await (await nation('/fhir/Patient?identifier=TK-1')).json();
    expect(list.entry).toHaveLength(1);
    expect(list.entry[0].resource.name).toBeUndefined();
    expect(list.entry[0].resource.telecom).toBeUndefined();
    expect(list.entry[0].resource.identifier[0].value).toBe('TK-1');
    const one = await (await nation(`/fhir/Patient/${tokyo}`)).json();
    expect(one.name[0].text).toBe('山田 太郎');
    const audit = await deps.db.select().from(auditLog).where(and(eq(auditLog.personId, tokyo), eq(auditLog.action, 'read')));
    expect(audit.some((a) => (a.details as { identifiers?: string })?.identifiers === 'shown')).toBe(true);
  });
});

describe('Observation', () => {
  it("reads a patient's temperatures with LOINC 8310-5 in Cel, vital-signs category, valid FHIR", async () => {
    const res = await call(`/fhir/Observation?patient=Patient/${tokyo}&code=http://loinc.org|8310-5`);
    expect(res.status).toBe(200);
    const bundle = await res.json();
    expectValidFhir(bundle);
    expect(bundle.entry).toHaveLength(1);
    const o = bundle.entry[0].resource;
    expect(o.code.coding[0]).toMatchObject({ system: 'http://loinc.org', code: '8310-5' });
    expect(o.valueQuantity).toEqual({ value: 38.4, unit: '°C', system: 'http://unitsofmeasure.org', code: 'Cel' });
    expect(o.category[0].coding[0].code).toBe('vital-signs');
    expect(o.subject.reference).toBe(`Patient/${tokyo}`);
    // the page's audit row, written in the search's own statement: the person shown, by id
    const audit = await deps.db.select().from(auditLog).where(and(eq(auditLog.entity, 'fhir_Observation'), eq(auditLog.action, 'list')));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorKind: 'token', personId: tokyo, details: { via: 'fhir', personIds: [tokyo] } });
    expect(audit[0]!.createdAt).toBeInstanceOf(Date);
  });

  it('gives symptoms as coded survey Observations (SNOMED CT where one exists) and filters by category and date', async () => {
    const survey = await (await call(`/fhir/Observation?patient=${tokyo}&category=survey&_count=100`)).json();
    expectValidFhir(survey);
    const codes = survey.entry.map((e: { resource: { code: { coding: { system: string; code: string }[] } } }) => e.resource.code.coding[0]);
    expect(codes).toContainEqual(expect.objectContaining({ system: 'http://snomed.info/sct', code: '267036007' }));
    expect(codes).toContainEqual(expect.objectContaining({ system: 'https://mimamori.jp/fhir/CodeSystem/symptom', code: 'cough' }));
    const breathless = survey.entry.find((e: { resource: { code: { coding: { code: string }[] } } }) => e.resource.code.coding[0]!.code === '267036007').resource;
    expect(breathless.valueBoolean).toBe(false);
    const vital = await (await call(`/fhir/Observation?patient=${tokyo}&category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs`)).json();
    expect(vital.entry.every((e: { resource: { category: { coding: { code: string }[] }[] } }) => e.resource.category[0]!.coding[0]!.code === 'vital-signs')).toBe(true);
    expect((await (await call(`/fhir/Observation?patient=${tokyo}&date=le2000-01-01`)).json()).entry).toBeUndefined();
    expect((await (await call(`/fhir/Observation?patient=${tokyo}&date=ge2000-01-01&code=8310-5`)).json()).entry).toHaveLength(1);
  });

  it("never shows another prefecture's observations, by search or by id", async () => {
    const all = await (await call('/fhir/Observation?code=http://loinc.org|8310-5')).json();
    expect(all.entry.map((e: { resource: { subject: { reference: string } } }) => e.resource.subject.reference)).toEqual([`Patient/${tokyo}`]);
    const theirs = await (await call(`/fhir/Observation?patient=${osaka}`)).json();
    expect(theirs.entry).toBeUndefined();
    // a page of nobody is no read of a person: no audit row names the other prefecture's person
    expect(await deps.db.select().from(auditLog).where(and(eq(auditLog.personId, osaka), eq(auditLog.entity, 'fhir_Observation')))).toEqual([]);
  });

  it("audits a page of several persons as one row listing them in the order shown, and only the page's", async () => {
    await answerDailyCheck(deps, tokyo2, dailyAnswers('37.2', 'なし'));
    const before = await deps.db.select({ id: auditLog.id }).from(auditLog);
    // the first page reads two rows (the one more tells there is a next page) but shows, and audits, one
    const first = await (await call('/fhir/Observation?code=8310-5&_count=1')).json();
    expect(first.link.some((l: { relation: string }) => l.relation === 'next')).toBe(true);
    const page = await (await call('/fhir/Observation?code=8310-5&_count=1&_offset=1')).json();
    expect(page.entry).toHaveLength(1);
    expect(page.link.some((l: { relation: string }) => l.relation === 'next')).toBe(false);
    const all = await (await call('/fhir/Observation?code=8310-5')).json();
    const order = all.entry.map((e: { resource: { subject: { reference: string } } }) => e.resource.subject.reference.replace('Patient/', ''));
    expect(new Set(order)).toEqual(new Set([tokyo, tokyo2]));
    const rows = (await deps.db.select().from(auditLog).where(eq(auditLog.entity, 'fhir_Observation')).orderBy(auditLog.id)).filter((r) => !before.some((b) => b.id === r.id));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ personId: order[0], details: { personIds: [order[0]] } });
    expect(rows[1]).toMatchObject({ personId: order[1], details: { personIds: [order[1]] } });
    expect(rows[2]).toMatchObject({ personId: null, details: { via: 'fhir', personIds: order } });
  });
});
