import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { ensureCentre } from '../admin/support';
import { createTestDeps, type TestDeps } from '../support/deps';
import { assertion, makeClient, makeKey, tokenRequest, type KeyPair, type TestApp } from './support';

// The token endpoint's request limits (Redis, shared by every process): per client and per
// source address, 429 with Retry-After once a minute's allowance is spent.
let deps: TestDeps;
let app: TestApp;
let key: KeyPair;
let first: string;
let second: string;
beforeAll(async () => {
  deps = await createTestDeps({ FHIR_TOKEN_REQUESTS_PER_MINUTE: '3', FHIR_TOKEN_REQUESTS_PER_MINUTE_PER_ADDRESS: '8' });
  // The limit lets requests through while Redis is not yet connected: wait for it.
  while (deps.redis.status !== 'ready') await new Promise((r) => setTimeout(r, 20));
  app = createApp(deps);
  await ensureCentre(deps, '13-901');
  key = await makeKey('ES384');
  first = await makeClient(deps, { jurisdiction: '13', scope: 'system/Patient.rs', key });
  second = await makeClient(deps, { jurisdiction: '13', scope: 'system/Patient.rs', key });
});
afterAll(async () => {
  await deps?.close();
});

describe('POST /oauth/token request limits', () => {
  it('answers 429 with Retry-After past a client\'s allowance, without checking the assertion; another client is still served', async () => {
    for (let i = 0; i < 3; i++) expect((await tokenRequest(app, await assertion(first, key), 'system/Patient.rs')).status).toBe(200);
    const refused = await tokenRequest(app, await assertion(first, key), 'system/Patient.rs');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    const body = await refused.json();
    expect(body.error).toBe('invalid_request');
    expect(body.error_description_ja).toContain('トークン要求が多すぎます');
    expect((await tokenRequest(app, await assertion(second, key), 'system/Patient.rs')).status).toBe(200);
  });

  it('limits one source address whatever client (or garbage) it names', async () => {
    // 5 requests so far from this address (app.request has no socket: one 'unknown' address).
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await tokenRequest(app, `not.a.jwt${i}`, 'system/Patient.rs')).status);
    expect(statuses.slice(0, 3).every((s) => s === 400 || s === 401)).toBe(true); // checked and refused
    expect(statuses.slice(3)).toEqual([429, 429]); // not even checked
  });
});
