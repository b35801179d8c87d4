import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema';
import { createApp } from '../../src/app';
import { sweepExpiredExports } from '../../src/domain/fhir/fhir-exports';
import { answerDailyCheck, dailyAnswers, makeAlert, makePerson } from '../admin/fixtures';
import { ensureCentre } from '../admin/support';
import { createTestDeps, type TestDeps } from '../support/deps';
import { accessToken, fhirCaller, makeClient, makeKey, type TestApp } from './support';
import { expectValidFhir } from './validity';

const READ = 'system/Patient.rs system/Observation.rs system/Condition.rs system/Encounter.rs system/QuestionnaireResponse.rs system/Flag.rs';
const dataDir = mkdtempSync(path.join(tmpdir(), 'mimamori-fhir-export-'));
let deps: TestDeps;
let app: TestApp;
let call: ReturnType<typeof fhirCaller>;
let patientsOnly: ReturnType<typeof fhirCaller>;
const tokyo: string[] = [];
let osaka: string;

beforeAll(async () => {
  deps = await createTestDeps({ DATA_DIR: dataDir });
  app = createApp(deps);
  await ensureCentre(deps, '13-941');
  await ensureCentre(deps, '13-942');
  await ensureCentre(deps, '27-941', '大阪の保健所', '27');
  tokyo.push(await makePerson(deps, '13-941', { admissionDate: '2026-05-02' }), await makePerson(deps, '13-942'), await makePerson(deps, '13-941', { classification: 'close_contact' }));
  osaka = await makePerson(deps, '27-941');
  for (const id of [...tokyo, osaka]) await answerDailyCheck(deps, id, dailyAnswers('37.9', 'なし'));
  await makeAlert(deps, tokyo[0]!);
  await makeAlert(deps, osaka);
  const key = await makeKey('ES384');
  const client = await makeClient(deps, { jurisdiction: '13', scope: READ, key });
  call = fhirCaller(app, await accessToken(app, client, key, READ));
  patientsOnly = fhirCaller(app, await accessToken(app, client, key, 'system/Patient.rs'));
  deps.jobs.startWorkers(deps, { scheduler: false, queues: ['exports'] });
});
afterAll(async () => {
  await deps?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const local = (url: string) => url.replace('http://localhost:3000', '');

async function runExport(path: string, caller = call): Promise<{ status: string; manifest: { output: { type: string; url: string; count: number }[]; requiresAccessToken: boolean } }> {
  const kick = await caller(path, { headers: { prefer: 'respond-async' } });
  expect(kick.status, await kick.clone().text()).toBe(202);
  const status = local(kick.headers.get('content-location')!);
  for (let i = 0; i < 100; i++) {
    const res = await caller(status);
    if (res.status === 200) return { status, manifest: await res.json() };
    expect(res.status).toBe(202);
    expect(res.headers.get('x-progress')).toBeTruthy();
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('export did not finish');
}

const ndjson = async (url: string, caller = call) => {
  const res = await caller(local(url));
  expect(res.headers.get('content-type')).toBe('application/fhir+ndjson');
  return (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
};

describe('Bulk Data export', () => {
  it("exports its prefecture as NDJSON per type, valid FHIR, never another prefecture's data, audited", async () => {
    const { manifest } = await runExport('/fhir/$export');
    expect(manifest.requiresAccessToken).toBe(true);
    const byType: Record<string, { url: string; count: number }> = Object.fromEntries(manifest.output.map((o) => [o.type, o]));
    const urlOf = (type: string) => byType[type]!.url;
    expect(Object.keys(byType).sort()).toEqual(['Condition', 'Encounter', 'Flag', 'Observation', 'Patient', 'QuestionnaireResponse']);
    const patients = await ndjson(urlOf('Patient'));
    expect(patients.map((p) => p.id).sort()).toEqual([...tokyo].sort());
    for (const type of Object.keys(byType)) {
      const resources = await ndjson(urlOf(type));
      expect(resources).toHaveLength(byType[type]!.count);
      for (const r of resources) expectValidFhir(r);
      const text = JSON.stringify(resources);
      expect(text).not.toContain(osaka);
    }
    expect((await ndjson(urlOf('Condition'))).map((c) => c.id).sort()).toEqual([tokyo[0], tokyo[1]].sort());
    const temps = (await ndjson(urlOf('Observation'))).filter((o) => o.code.coding[0].code === '8310-5');
    expect(temps).toHaveLength(3);
    const audit = await deps.db.select().from(auditLog).where(eq(auditLog.entity, 'fhir_export'));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['export_requested', 'export', 'export_download']));
  });

  it('exports one health centre with Group/{code}/$export and honours _type and _since', async () => {
    const { manifest } = await runExport('/fhir/Group/13-942/$export?_type=Patient,Observation');
    expect(manifest.output.map((o) => o.type).sort()).toEqual(['Observation', 'Patient']);
    expect((await ndjson(manifest.output.find((o) => o.type === 'Patient')!.url)).map((p) => p.id)).toEqual([tokyo[1]]);
    const later = await runExport(`/fhir/$export?_type=Patient&_since=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`);
    expect(later.manifest.output).toEqual([]);
  });

  it('deletes the files on DELETE of the status URL; the status then answers 404', async () => {
    const { status, manifest } = await runExport('/fhir/$export?_type=Patient');
    const id = status.split('/').pop()!;
    expect(existsSync(path.join(dataDir, 'fhir-exports', id))).toBe(true);
    expect((await call(status, { method: 'DELETE' })).status).toBe(202);
    expect(existsSync(path.join(dataDir, 'fhir-exports', id))).toBe(false);
    expect((await call(status)).status).toBe(404);
    expect((await call(local(manifest.output[0]!.url))).status).toBe(404);
  });

  it('refuses a centre of another prefecture (404), a type without scope (403), no respond-async (400) and strict unknown parameters (400)', async () => {
    const other = await call('/fhir/Group/27-941/$export', { headers: { prefer: 'respond-async' } });
    expect(other.status).toBe(404);
    expect((await other.json()).resourceType).toBe('OperationOutcome');
    expect((await patientsOnly('/fhir/$export?_type=Observation', { headers: { prefer: 'respond-async' } })).status).toBe(403);
    expect((await call('/fhir/$export')).status).toBe(400);
    expect((await call('/fhir/$export?_typeFilter=x', { headers: { prefer: 'respond-async, handling=strict' } })).status).toBe(400);
    expect((await call('/fhir/$export?_type=Medication', { headers: { prefer: 'respond-async' } })).status).toBe(400);
  });

  it('removes the files after 24 hours (the clean-up sweep), after which the status answers 404', async () => {
    const { status } = await runExport('/fhir/$export?_type=Patient');
    const id = status.split('/').pop()!;
    expect(await sweepExpiredExports(deps.db, dataDir, new Date(Date.now() + 23 * 3600_000))).toBe(0);
    expect(existsSync(path.join(dataDir, 'fhir-exports', id))).toBe(true);
    expect(await sweepExpiredExports(deps.db, dataDir, new Date(Date.now() + 25 * 3600_000))).toBeGreaterThan(0);
    expect(existsSync(path.join(dataDir, 'fhir-exports', id))).toBe(false);
    expect((await call(status)).status).toBe(404);
  });

  it("does not show one client's export to another", async () => {
    const { status } = await runExport('/fhir/$export?_type=Patient');
    const key = await makeKey('ES384');
    const other = await makeClient(deps, { jurisdiction: '13', scope: READ, key, name: 'other' });
    const otherCall = fhirCaller(app, await accessToken(app, other, key, READ));
    expect((await otherCall(status)).status).toBe(404);
    expect((await otherCall(status, { method: 'DELETE' })).status).toBe(404);
  });
});
