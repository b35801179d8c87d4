import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { answerDailyCheck, dailyAnswers, makePerson } from '../admin/fixtures';
import { ensureCentre } from '../admin/support';
import { createTestDeps, type TestDeps } from '../support/deps';
import { accessToken, fhirCaller, makeClient, makeKey, type TestApp } from './support';
import { expectValidFhir } from './validity';

const SCOPE = 'system/Patient.rs system/Observation.crs system/QuestionnaireResponse.rs system/Condition.crs system/Bundle.c system/Patient.c system/Flag.rs';
const dataDir = mkdtempSync(path.join(tmpdir(), 'mimamori-fhir-done-'));
let deps: TestDeps;
let app: TestApp;
let tokyo: string;
let osaka: string;

beforeAll(async () => {
  deps = await createTestDeps({ DATA_DIR: dataDir });
  app = createApp(deps);
  await ensureCentre(deps, '13-931');
  await ensureCentre(deps, '27-961', '大阪の保健所', '27');
  tokyo = await makePerson(deps, '13-931');
  osaka = await makePerson(deps, '27-961');
  await answerDailyCheck(deps, tokyo, dailyAnswers('38.1', 'なし'));
  await answerDailyCheck(deps, osaka, dailyAnswers('39.0', 'なし'));
  deps.jobs.startWorkers(deps, { scheduler: false, queues: ['exports'] });
});
afterAll(async () => {
  await deps?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('issue 21, done when', () => {
  it("a backend client of Tokyo authenticates with a signed JWT, reads temperatures and today's responses, registers a person and exports its prefecture — never Osaka's data", async () => {
    const key = await makeKey('RS384');
    const clientId = await makeClient(deps, { jurisdiction: '13', scope: SCOPE, key });
    const call = fhirCaller(app, await accessToken(app, clientId, key, SCOPE));
    const seen: string[] = [];
    const get = async (p: string) => {
      const res = await call(p);
      const text = await res.text();
      seen.push(text);
      return { status: res.status, body: JSON.parse(text) };
    };

    const temps = await get(`/fhir/Observation?patient=${tokyo}&code=http://loinc.org|8310-5`);
    expectValidFhir(temps.body);
    expect(temps.body.entry.map((e: { resource: { valueQuantity: { value: number; code: string } } }) => e.resource.valueQuantity)).toEqual([expect.objectContaining({ value: 38.1, code: 'Cel' })]);

    const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
    const qrs = await get(`/fhir/QuestionnaireResponse?authored=${today}`);
    expect(qrs.body.entry.map((e: { resource: { subject: { reference: string } } }) => e.resource.subject.reference)).toEqual([`Patient/${tokyo}`]);

    const bundle = JSON.parse(readFileSync(new URL('./testdata/registration-bundle.json', import.meta.url), 'utf8'));
    const created = await call('/fhir/Bundle', { method: 'POST', json: bundle });
    expect(created.status).toBe(200);
    const newId = (await created.json()).entry[0].response.location.replace('Patient/', '');

    const kick = await call('/fhir/$export', { headers: { prefer: 'respond-async' } });
    expect(kick.status).toBe(202);
    const statusUrl = kick.headers.get('content-location')!.replace('http://localhost:3000', '');
    let manifest: { output: { type: string; url: string }[] } | null = null;
    for (let i = 0; i < 100 && !manifest; i++) {
      const res = await call(statusUrl);
      if (res.status === 200) manifest = await res.json();
      else await new Promise((r) => setTimeout(r, 200));
    }
    const files = await Promise.all(manifest!.output.map(async (o) => ({ type: o.type, text: await (await call(o.url.replace('http://localhost:3000', ''))).text() })));
    seen.push(...files.map((f) => f.text));
    const patients = files.find((f) => f.type === 'Patient')!.text.trim().split('\n').map((l) => JSON.parse(l).id);
    expect(patients.sort()).toEqual([tokyo, newId].sort());

    expect((await call(`/fhir/Patient/${osaka}`)).status).toBe(404);
    expect(seen.join('\n')).not.toContain(osaka);
  });
});
