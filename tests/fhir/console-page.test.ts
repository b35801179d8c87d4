import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fhirClients } from '../../db/schema';
import { createApp } from '../../src/app';
import { Client, ensureCentre, makeStaff } from '../admin/support';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makeKey, tokenRequest, assertion, type TestApp } from './support';

let deps: TestDeps;
let app: TestApp;
let officer: Client;

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  await ensureCentre(deps, '13-951');
  await ensureCentre(deps, '27-951', '大阪の保健所', '27');
  await makeStaff(deps, { email: 'pref@fhir.test', role: 'prefecture_officer', jurisdictionCode: '13' });
  await makeStaff(deps, { email: 'nurse@fhir.test', role: 'nurse', jurisdictionCode: '13-951' });
  officer = new Client(app);
  await officer.signInWithTotp('pref@fhir.test');
});
afterAll(async () => {
  await deps?.close();
});

describe('/admin/fhir-clients', () => {
  it('lets a prefecture officer register a client of the prefecture, in Japanese, and the client can then get a token', async () => {
    const page = await (await officer.get('/admin/fhir-clients')).text();
    expect(page).toContain('FHIR 連携クライアント');
    const key = await makeKey('ES384');
    const res = await officer.form('/admin/fhir-clients', { name: '県の統計システム', jurisdictionCode: '13', scope: 'system/Patient.rs', jwks: JSON.stringify({ keys: [key.jwk] }) });
    expect(res.status).toBe(200);
    const html = await res.text();
    const clientId = /data-client-id[^>]*>([0-9a-f-]{36})</.exec(html)![1]!;
    expect(html).toContain('県の統計システム');
    const granted = await tokenRequest(app, await assertion(clientId, key), 'system/Patient.rs');
    expect(granted.status).toBe(200);
    const { access_token: held } = (await granted.json()) as { access_token: string };
    const search = () => app.request('/fhir/Patient?_count=1', { headers: { authorization: `Bearer ${held}` } });
    expect((await search()).status).toBe(200); // the verified token is now kept by this process

    const revoke = await officer.form(`/admin/fhir-clients/${clientId}/revoke`, {});
    expect(revoke.status).toBe(303);
    // the token it already holds stops at once, not when the kept verification ages out
    expect((await search()).status).toBe(401);
    expect((await tokenRequest(app, await assertion(clientId, key), 'system/Patient.rs')).status).toBe(401);
  });

  it('refuses another prefecture, a private key and bad JSON with Japanese messages, storing nothing', async () => {
    const before = (await deps.db.select().from(fhirClients)).length;
    const key = await makeKey('ES384');
    const other = await officer.form('/admin/fhir-clients', { name: 'x', jurisdictionCode: '27', scope: 'system/Patient.rs', jwks: JSON.stringify({ keys: [key.jwk] }) });
    expect(other.status).toBe(403);
    const priv = await officer.form('/admin/fhir-clients', { name: 'x', jurisdictionCode: '13', scope: 'system/Patient.rs', jwks: JSON.stringify({ keys: [{ ...key.jwk, d: 'secret' }] }) });
    expect(priv.status).toBe(422);
    expect(await priv.text()).toContain('公開鍵（JWKS）が正しくありません');
    const notJson = await officer.form('/admin/fhir-clients', { name: 'x', jurisdictionCode: '13', scope: 'system/Patient.rs', jwks: '{' });
    expect(notJson.status).toBe(422);
    expect(await notJson.text()).toContain('JWKS が JSON ではありません');
    expect((await deps.db.select().from(fhirClients)).length).toBe(before);
  });

  it('is not open to a nurse', async () => {
    const nurse = new Client(app);
    await nurse.signIn('nurse@fhir.test');
    expect((await nurse.get('/admin/fhir-clients')).status).toBe(403);
    const rows = await deps.db.select().from(fhirClients).where(eq(fhirClients.name, 'nurse'));
    expect(rows).toEqual([]);
  });
});
