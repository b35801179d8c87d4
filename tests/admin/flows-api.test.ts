import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { getFlowVersion } from '../../src/domain/flows/flow-queries';
import { createTestDeps, type TestDeps } from '../support/deps';
import { auditRows } from './flows-reports-fixtures';
import { bearer, Client, ensureCentre, makeStaff, makeToken } from './support';

let deps: TestDeps;
let asNurse: ReturnType<typeof bearer>;
let asAdmin: ReturnType<typeof bearer>;
let asNation: ReturnType<typeof bearer>;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  await ensureCentre(deps, '13-801');
  await makeStaff(deps, { email: 'nurse@flows.jp', role: 'nurse', jurisdictionCode: '13-801' });
  await makeStaff(deps, { email: 'admin@flows.jp', role: 'centre_admin', jurisdictionCode: '13-801' });
  asNurse = bearer(app, await makeToken(deps, 'nurse@flows.jp'));
  asAdmin = bearer(app, await makeToken(deps, 'admin@flows.jp'));
  await makeStaff(deps, { email: 'nation@flows.jp', role: 'national_officer', jurisdictionCode: 'JP' });
  asNation = bearer(app, await makeToken(deps, 'nation@flows.jp'));
});
afterAll(async () => deps?.close());

describe('/api/v1/flows', () => {
  it('lists flows and versions; unauthenticated calls get 401', async () => {
    const res = await asNurse('GET', '/api/v1/flows');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { flows: { key: string; current: number; versions: { version: number; status: string }[] }[] };
    expect(body.flows.map((f) => f.key).sort()).toEqual(['child-daily', 'contact-daily', 'facility-daily', 'patient-daily']); // the national defaults
    expect(body.flows[0]!.versions[0]).toMatchObject({ version: 1, status: 'published' });
    expect((await app.request('/api/v1/flows')).status).toBe(401);
  });

  it('serves the definition format as JSON Schema; the published default flow passes it', async () => {
    const res = await asNurse('GET', '/api/v1/flows/definition-schema.json');
    expect(res.status).toBe(200);
    const check = z.fromJSONSchema((await res.json()) as Parameters<typeof z.fromJSONSchema>[0]);
    const version = (await (await asNurse('GET', '/api/v1/flows/patient-daily/versions/1')).json()) as { definition: unknown };
    expect(check.safeParse(version.definition).success).toBe(true);
    expect(check.safeParse({ ...(version.definition as object), nodes: 'none' }).success).toBe(false);
    expect((await app.request('/api/v1/flows/definition-schema.json')).status).toBe(401);
  });

  it('creates a draft, answers 422 with the field for an invalid definition, saves a valid one', async () => {
    const created = await asNurse('POST', '/api/v1/flows/contact-daily/versions');
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ version: 2 });
    expect((await asNurse('POST', '/api/v1/flows/contact-daily/versions')).status).toBe(409);

    const v = (await (await asNurse('GET', '/api/v1/flows/contact-daily/versions/2')).json()) as { status: string; definition: { start: string; nodes: Record<string, { next?: string }> }; diff: { against: number; changes: unknown[] } };
    expect(v.status).toBe('draft');
    expect(v.diff).toEqual({ against: 1, changes: [] });
    const bad = structuredClone(v.definition);
    bad.start = 'missing-node';
    const res = await asNurse('PUT', '/api/v1/flows/contact-daily/versions/2', { definition: bad });
    expect(res.status).toBe(422);
    const err = (await res.json()) as { code: string; fields: { field: string; message: string; messageJa: string }[] };
    expect(err.code).toBe('validation_failed');
    expect(err.fields).toContainEqual(expect.objectContaining({ field: 'definition.start', messageJa: expect.stringContaining('missing-node') }));
    expect((await asNurse('PUT', '/api/v1/flows/contact-daily/versions/2', {})).status).toBe(422);
    const notJson = await app.request('/api/v1/flows/contact-daily/versions/2', { method: 'PUT', body: '{oops', headers: { authorization: (await tokenHeader()), 'content-type': 'application/json' } });
    expect(notJson.status).toBe(422);

    const good = structuredClone(v.definition) as unknown as { name: { ja: string; en: string } };
    good.name.ja = '濃厚接触者の健康観察（改訂）';
    const saved = await asNurse('PATCH', '/api/v1/flows/contact-daily/versions/2', { definition: good });
    expect(saved.status).toBe(200);
    const after = (await (await asNurse('GET', '/api/v1/flows/contact-daily/versions/2')).json()) as { diff: { changes: { path: string }[] } };
    expect(after.diff.changes.map((c) => c.path)).toEqual(['name.ja']);
  });

  it('forbids publishing a national flow to a nurse and a centre_admin (403) and publishes for a national officer, audited', async () => {
    const denied = await asNurse('POST', '/api/v1/flows/contact-daily/versions/2/publish');
    expect(denied.status).toBe(403);
    const centre = await asAdmin('POST', '/api/v1/flows/contact-daily/versions/2/publish');
    expect(centre.status).toBe(403);
    expect(((await centre.json()) as { messageJa: string }).messageJa).toContain('全国共通のため、公開（公開中の版のアーカイブを含む）は国の担当者のみ');
    expect((await getFlowVersion(deps.db, 'contact-daily', 2)).status).toBe('draft');
    const ok = await asNation('POST', '/api/v1/flows/contact-daily/versions/2/publish');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ version: 2, supersedes: 1 });
    expect((await getFlowVersion(deps.db, 'contact-daily', 2)).status).toBe('published');
    const audit = (await auditRows(deps.db, 'publish')).find((r) => (r.details as { flow?: string }).flow === 'contact-daily');
    expect(audit).toMatchObject({ entity: 'flow_version' });
    expect((await asAdmin('PUT', '/api/v1/flows/contact-daily/versions/2', { definition: {} })).status).toBe(409);
    expect((await asNation('POST', '/api/v1/flows/contact-daily/versions/9/publish')).status).toBe(404);
    expect((await asNation('POST', '/api/v1/flows/contact-daily/versions/x/publish')).status).toBe(404);
    expect((await asAdmin('POST', '/api/v1/flows/no-such-flow/versions')).status).toBe(404);
    // Archiving a published version: national officers; the old version can go, the last published cannot.
    expect((await asNurse('POST', '/api/v1/flows/contact-daily/versions/1/archive')).status).toBe(403);
    expect((await asAdmin('POST', '/api/v1/flows/contact-daily/versions/1/archive')).status).toBe(403);
    expect((await asNation('POST', '/api/v1/flows/contact-daily/versions/1/archive')).status).toBe(200);
    expect((await asNation('POST', '/api/v1/flows/contact-daily/versions/2/archive')).status).toBe(409);
  });

  it('simulates the published version, a numbered version or an unsaved definition, per channel', async () => {
    const res = await asNurse('POST', '/api/v1/flows/patient-daily/simulate', { channel: 'sms', inputs: ['39.5'] });
    expect(res.status).toBe(200);
    const sim = (await res.json()) as { channel: string; lines: { from: string }[]; observations: { questionId: string; value: unknown }[] };
    expect(sim.channel).toBe('sms');
    expect(sim.observations).toContainEqual(expect.objectContaining({ questionId: 'temperature', value: 39.5 }));
    // On the phone a keyed-in fever is read back first; 1 confirms it.
    const v1 = await asNurse('POST', '/api/v1/flows/patient-daily/simulate', { version: 1, channel: 'voice', inputs: ['395', '1'] });
    expect(((await v1.json()) as typeof sim).observations[0]).toMatchObject({ questionId: 'temperature', value: 39.5 });
    const def = ((await (await asNurse('GET', '/api/v1/flows/patient-daily/versions/1')).json()) as { definition: { start: string } }).definition;
    const unsaved = await asNurse('POST', '/api/v1/flows/patient-daily/simulate', { definition: { ...def, start: 'nope' }, channel: 'line', inputs: [] });
    expect(unsaved.status).toBe(422);
    expect(((await unsaved.json()) as { fields: { field: string }[] }).fields[0]!.field).toBe('definition.start');
    const badChannel = await asNurse('POST', '/api/v1/flows/patient-daily/simulate', { channel: 'fax', inputs: [] });
    expect(badChannel.status).toBe(422);
    expect(((await badChannel.json()) as { fields: { field: string }[] }).fields[0]!.field).toBe('channel');
  });

  it('requires the CSRF token when the console session cookie is used', async () => {
    const browser = new Client(app);
    expect((await browser.signIn('admin@flows.jp')).status).toBe(303);
    const noToken = await browser.request('/api/v1/flows/patient-daily/versions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noToken.status).toBe(403);
    const withToken = await browser.json('POST', '/api/v1/flows/patient-daily/versions', {});
    expect(withToken.status).toBe(201);
  });

  it('describes its routes in the OpenAPI document', async () => {
    const doc = (await (await app.request('/api/v1/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/flows/{key}/versions/{n}/publish'] ?? {})).toEqual(['post']);
    expect(doc.paths['/flows/{key}/simulate']?.post).toBeDefined();
    expect(Object.keys((doc.paths['/flows']?.post as { requestBody: { content: Record<string, { schema: { properties: object } }> } }).requestBody.content['application/json']!.schema.properties)).toEqual(['key', 'nameJa', 'nameEn', 'from', 'definition']);
    expect(doc.paths['/export/persons.csv']?.get).toBeDefined();
    expect(doc.paths['/stats']?.get).toBeDefined();
  });
});

describe('flows owned by a health centre or a prefecture', () => {
  let asPref: ReturnType<typeof bearer>;
  let asOsaka: ReturnType<typeof bearer>;
  let asOtherNurse: ReturnType<typeof bearer>;
  beforeAll(async () => {
    await ensureCentre(deps, '13-802');
    await makeStaff(deps, { email: 'pref@flows.jp', role: 'prefecture_officer', jurisdictionCode: '13' });
    await makeStaff(deps, { email: 'osaka@flows.jp', role: 'prefecture_officer', jurisdictionCode: '27' });
    await makeStaff(deps, { email: 'nurse-b@flows.jp', role: 'nurse', jurisdictionCode: '13-802' });
    asPref = bearer(app, await makeToken(deps, 'pref@flows.jp'));
    asOsaka = bearer(app, await makeToken(deps, 'osaka@flows.jp'));
    asOtherNurse = bearer(app, await makeToken(deps, 'nurse-b@flows.jp'));
  });

  it('POST /api/v1/flows: 422 naming each field, 403 for a nurse, 201 with the centre as owner', async () => {
    const bad = await asAdmin('POST', '/api/v1/flows', { key: 'Centre 801', from: 'patient-daily' });
    expect(bad.status).toBe(422);
    const fields = ((await bad.json()) as { fields: { field: string; messageJa: string }[] }).fields;
    expect(fields.map((f) => f.field).sort()).toEqual(['key', 'nameEn', 'nameJa']);
    expect(fields.every((f) => f.messageJa)).toBe(true);
    expect((await asNurse('POST', '/api/v1/flows', { key: 'centre-801', nameJa: '801', nameEn: '801', from: 'patient-daily' })).status).toBe(403);
    const created = await asAdmin('POST', '/api/v1/flows', { key: 'centre-801', nameJa: '801保健所の健康観察', nameEn: 'Centre 801 daily', from: 'patient-daily' });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ key: 'centre-801', version: 1 });
    const again = await asAdmin('POST', '/api/v1/flows', { key: 'centre-801', nameJa: '重複', nameEn: 'Dup', from: 'patient-daily' });
    expect(((await again.json()) as { fields: { field: string }[] }).fields.map((f) => f.field)).toEqual(['key']);
    const list = (await (await asNurse('GET', '/api/v1/flows')).json()) as { flows: { key: string; owner: { code: string; nameJa: string } | null }[] };
    expect(list.flows.find((f) => f.key === 'centre-801')!.owner).toMatchObject({ code: '13-801', nameJa: '13-801保健所' });
    expect(list.flows.find((f) => f.key === 'patient-daily')!.owner).toBeNull();
  });

  it('another centre and another prefecture get 404; the owner centre\'s admin and its prefecture publish', async () => {
    const keys = async (who: typeof asNurse) => ((await (await who('GET', '/api/v1/flows')).json()) as { flows: { key: string }[] }).flows.map((f) => f.key);
    expect(await keys(asOtherNurse)).not.toContain('centre-801');
    expect(await keys(asOsaka)).not.toContain('centre-801');
    expect(await keys(asPref)).toContain('centre-801');
    expect((await asOtherNurse('GET', '/api/v1/flows/centre-801/versions/1')).status).toBe(404);
    expect((await asOtherNurse('POST', '/api/v1/flows/centre-801/simulate', { inputs: [] })).status).toBe(404);
    expect((await asOtherNurse('POST', '/api/v1/flows/centre-801/versions')).status).toBe(404);
    expect((await asOsaka('POST', '/api/v1/flows/centre-801/versions/1/publish')).status).toBe(404);
    const nurse = await asNurse('POST', '/api/v1/flows/centre-801/versions/1/publish');
    expect(nurse.status).toBe(403);
    expect(((await nurse.json()) as { messageJa: string }).messageJa).toContain('保健所管理者以上');
    expect((await asNurse('POST', '/api/v1/flows/centre-801/simulate', { version: 1, channel: 'sms', inputs: ['36.5'] })).status).toBe(200);
    const ok = await asAdmin('POST', '/api/v1/flows/centre-801/versions/1/publish');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ version: 1, supersedes: null });
    expect((await asNurse('POST', '/api/v1/flows/centre-801/versions')).status).toBe(201);
    expect((await asPref('POST', '/api/v1/flows/centre-801/versions/2/publish')).status).toBe(200);
    const audits = (await auditRows(deps.db, 'publish')).filter((r) => (r.details as { flow?: string }).flow === 'centre-801');
    expect(audits.map((r) => (r.details as { version: number; owner: string }).version)).toEqual([1, 2]);
    expect(audits[0]!.details).toMatchObject({ owner: '13-801' });
  });

  it('a person may be given their own centre\'s flow, not another centre\'s (422 on flowKey)', async () => {
    const person = { caseNumber: 'FL-1', name: '見守 流', classification: 'confirmed', flowKey: 'centre-801' };
    expect((await asAdmin('POST', '/api/v1/persons', person)).status).toBe(201);
    const other = await asOtherNurse('POST', '/api/v1/persons', { ...person, caseNumber: 'FL-2' });
    expect(other.status).toBe(422);
    expect(((await other.json()) as { fields: { field: string; messageJa: string }[] }).fields).toEqual([
      expect.objectContaining({ field: 'flowKey', messageJa: expect.stringContaining('担当保健所またはその都道府県') }),
    ]);
    const created = (await (await asOtherNurse('POST', '/api/v1/persons', { ...person, caseNumber: 'FL-2', flowKey: undefined })).json()) as { id: string };
    expect((await asOtherNurse('PATCH', `/api/v1/persons/${created.id}`, { flowKey: 'centre-801' })).status).toBe(422);
    const patched = await asOtherNurse('PATCH', `/api/v1/persons/${created.id}`, { flowKey: 'contact-daily' });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ changed: ['flowKey'] });
  });
});

async function tokenHeader() {
  return `Bearer ${await makeToken(deps, 'nurse@flows.jp')}`;
}
