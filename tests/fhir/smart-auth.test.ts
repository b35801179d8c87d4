import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, fhirAccessTokens, fhirAssertionJtis, staffUsers } from '../../db/schema';
import { createApp } from '../../src/app';
import { fhirProblems } from '../../src/fhir/validate';
import { ensureCentre } from '../admin/support';
import { createTestDeps, type TestDeps } from '../support/deps';
import { accessToken, assertion, fhirCaller, makeClient, makeKey, tokenRequest, type KeyPair, type TestApp } from './support';

let deps: TestDeps;
let app: TestApp;
let key: KeyPair;
let rsaKey: KeyPair;
let clientId: string;
let rsaClientId: string;

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  await ensureCentre(deps, '13-901');
  key = await makeKey('ES384');
  rsaKey = await makeKey('RS384');
  clientId = await makeClient(deps, { jurisdiction: '13', scope: 'system/Patient.rs system/Observation.rs', key });
  rsaClientId = await makeClient(deps, { jurisdiction: '13-901', scope: 'system/Patient.r', key: rsaKey });
});
afterAll(async () => {
  await deps?.close();
});

const jtiCount = async () => (await deps.db.select().from(fhirAssertionJtis)).length;
const tokenCount = async () => (await deps.db.select().from(fhirAccessTokens)).length;

describe('discovery', () => {
  it('serves the CapabilityStatement without a token, as valid FHIR listing exactly the served types', async () => {
    const res = await app.request('/fhir/metadata');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const cs = await res.json();
    expect(fhirProblems(cs)).toEqual([]);
    expect(cs.fhirVersion).toBe('4.0.1');
    const types = cs.rest[0].resource.map((r: { type: string }) => r.type);
    expect(types).toContain('Patient');
    expect(types).toContain('Observation');
    const patient = cs.rest[0].resource.find((r: { type: string }) => r.type === 'Patient');
    expect(patient.searchParam.map((p: { name: string }) => p.name).sort()).toEqual(['_id', '_lastUpdated', 'birthdate', 'identifier', 'name']);
  });

  it('serves the SMART configuration for backend services', async () => {
    for (const path of ['/.well-known/smart-configuration', '/fhir/.well-known/smart-configuration']) {
      const body = await (await app.request(path)).json();
      expect(body.token_endpoint).toBe('http://localhost:3000/oauth/token');
      expect(body.token_endpoint_auth_signing_alg_values_supported).toEqual(['RS384', 'ES384']);
      expect(body.grant_types_supported).toEqual(['client_credentials']);
    }
  });
});

describe('POST /oauth/token', () => {
  it('issues a 5-minute token for an ES384 and an RS384 assertion, narrowed to the registered scopes, and audits it', async () => {
    const res = await tokenRequest(app, await assertion(clientId, key), 'system/Patient.rs system/Observation.rs');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 300, scope: 'system/Patient.rs system/Observation.rs' });
    const rsa = await (await tokenRequest(app, await assertion(rsaClientId, rsaKey), 'system/Patient.rs')).json();
    expect(rsa.scope).toBe('system/Patient.r');
    const audit = await deps.db.select().from(auditLog).where(eq(auditLog.entityId, clientId));
    expect(audit.some((a) => a.action === 'token')).toBe(true);
  });

  it('refuses an assertion signed by a key that is not registered (401), storing nothing', async () => {
    const [jtis, tokens] = [await jtiCount(), await tokenCount()];
    const stranger = await makeKey('ES384');
    const res = await tokenRequest(app, await assertion(clientId, { ...stranger, jwk: key.jwk }), 'system/Patient.rs');
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body.error).toBe('invalid_client');
    expect(body.error_description_ja).toMatch(/署名/);
    expect([await jtiCount(), await tokenCount()]).toEqual([jtis, tokens]);
  });

  it('refuses a replayed jti, an expired assertion, an exp more than 5 minutes ahead and a wrong audience', async () => {
    const jwt = await assertion(clientId, key);
    expect((await tokenRequest(app, jwt, 'system/Patient.rs')).status).toBe(200);
    const replay = await tokenRequest(app, jwt, 'system/Patient.rs');
    expect(replay.status).toBe(401);
    expect((await replay.json()).error_description).toMatch(/jti/);
    const expired = await tokenRequest(app, await assertion(clientId, key, { expSeconds: -30 }), 'system/Patient.rs');
    expect(expired.status).toBe(401);
    expect((await expired.json()).error_description).toMatch(/expired/);
    const far = await tokenRequest(app, await assertion(clientId, key, { expSeconds: 600 }), 'system/Patient.rs');
    expect(far.status).toBe(401);
    const aud = await tokenRequest(app, await assertion(clientId, key, { aud: 'https://elsewhere.example/token' }), 'system/Patient.rs');
    expect(aud.status).toBe(401);
  });

  it('refuses scopes not granted, unknown scopes, other grant types and an unknown client', async () => {
    const notGranted = await tokenRequest(app, await assertion(clientId, key), 'system/Flag.rs');
    expect(notGranted.status).toBe(400);
    expect((await notGranted.json()).error).toBe('invalid_scope');
    expect((await tokenRequest(app, await assertion(clientId, key), 'patient/*.read openid')).status).toBe(400);
    const other = await app.request('/oauth/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password&username=a' });
    expect((await other.json()).error).toBe('unsupported_grant_type');
    const unknown = await tokenRequest(app, await assertion('0b4f3a56-1d2e-4c3b-9a8f-7e6d5c4b3a21', key), 'system/Patient.rs');
    expect(unknown.status).toBe(401);
  });
});

describe('the access token on /fhir', () => {
  it('answers 401 with an OperationOutcome without a valid token', async () => {
    for (const auth of [undefined, 'Bearer nonsense']) {
      const res = await app.request('/fhir/Patient', { headers: auth ? { authorization: auth } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/Bearer/);
      const oo = await res.json();
      expect(oo.resourceType).toBe('OperationOutcome');
      expect(oo.issue[0].diagnostics).toMatch(/アクセストークン/);
      expect(fhirProblems(oo)).toEqual([]);
    }
  });

  it('answers 403 for a type the token has no scope for, and stops working after 5 minutes', async () => {
    const t = await accessToken(app, rsaClientId, rsaKey, 'system/Patient.r');
    const call = fhirCaller(app, t);
    const search = await call('/fhir/Patient');
    expect(search.status).toBe(403);
    expect((await search.json()).issue[0].code).toBe('forbidden');
    expect((await call('/fhir/Observation?patient=x')).status).toBe(403);
    const later = createApp({ ...deps, now: () => new Date(Date.now() + 301_000) });
    expect((await fhirCaller(later, t)('/fhir/Patient/0b4f3a56-1d2e-4c3b-9a8f-7e6d5c4b3a21')).status).toBe(401);
  });

  it('acts through a disabled service account that can never sign in to the console', async () => {
    const accounts = await deps.db.select().from(staffUsers).where(eq(staffUsers.disabled, true));
    expect(accounts.map((a) => a.role).sort()).toEqual(['centre_admin', 'prefecture_officer']);
  });
});
