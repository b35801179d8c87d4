import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { createApp } from '../../src/app';
import type { Deps } from '../../src/deps';
import { systemActor, withTransaction } from '../../src/domain/context';
import { createFhirClient } from '../../src/domain/fhir/create-fhir-client';

export type TestApp = ReturnType<typeof createApp>;
export const TOKEN_URL = 'http://localhost:3000/oauth/token';

export interface KeyPair {
  alg: 'RS384' | 'ES384';
  privateKey: CryptoKey;
  jwk: JWK;
}

export async function makeKey(alg: 'RS384' | 'ES384' = 'ES384'): Promise<KeyPair> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: randomUUID(), alg };
  return { alg, privateKey, jwk };
}

/** Register a client through the real verb, as the CLI does. */
export async function makeClient(deps: Deps, opts: { jurisdiction: string; scope: string; key: KeyPair; name?: string }): Promise<string> {
  const { clientId } = await withTransaction(deps.db, { actor: systemActor('test'), now: deps.now() }, (ctx) =>
    createFhirClient({ ctx, input: { name: opts.name ?? 'test system', jurisdictionCode: opts.jurisdiction, scope: opts.scope, jwks: { keys: [opts.key.jwk] } } }),
  );
  return clientId;
}

/** A client assertion (SMART Backend Services), with overridable claims. */
export async function assertion(clientId: string, key: KeyPair, opts: { expSeconds?: number; jti?: string; aud?: string; now?: Date; iss?: string } = {}): Promise<string> {
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: key.alg, kid: key.jwk.kid as string, typ: 'JWT' })
    .setIssuer(opts.iss ?? clientId)
    .setSubject(clientId)
    .setAudience(opts.aud ?? TOKEN_URL)
    .setJti(opts.jti ?? randomUUID())
    .setExpirationTime(now + (opts.expSeconds ?? 240))
    .sign(key.privateKey);
}

export async function tokenRequest(app: TestApp, jwt: string, scope: string): Promise<Response> {
  return app.request('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt, scope }).toString(),
  });
}

export async function accessToken(app: TestApp, clientId: string, key: KeyPair, scope: string): Promise<string> {
  const res = await tokenRequest(app, await assertion(clientId, key), scope);
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** A FHIR caller with a bearer token. */
export const fhirCaller = (app: TestApp, token: string) => async (path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> =>
  app.request(path, {
    ...init,
    headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json', ...(init.json !== undefined ? { 'content-type': 'application/fhir+json' } : {}), ...(init.headers as Record<string, string>) },
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
