import { Hono } from 'hono';
import { systemActor, withTransaction } from '../domain/context';
import { ASSERTION_ALGORITHMS, issueAccessToken } from '../domain/fhir/issue-access-token';
import { OAuthError } from '../domain/fhir/oauth-error';
import { FHIR_SCOPE_TYPES } from '../domain/fhir/scopes';
import type { Deps } from '../deps';

export const tokenUrl = (deps: Deps) => `${deps.env.PUBLIC_BASE_URL.replace(/\/$/, '')}/oauth/token`;

/** SMART App Launch 2.x discovery, Backend Services only (no user launch). */
export function smartConfiguration(deps: Deps) {
  return {
    token_endpoint: tokenUrl(deps),
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    grant_types_supported: ['client_credentials'],
    scopes_supported: FHIR_SCOPE_TYPES.filter((t) => t !== '*' && t !== 'Group').map((t) => `system/${t}.rs`).concat(['system/Bundle.c', 'system/Patient.c', 'system/Condition.c', 'system/Observation.c']),
    capabilities: ['client-confidential-asymmetric', 'permission-v2'],
  };
}

/** /.well-known/smart-configuration and POST /oauth/token. */
export function createSmartRoutes(deps: Deps) {
  const app = new Hono();
  app.get('/.well-known/smart-configuration', (c) => c.json(smartConfiguration(deps)));
  app.get('/fhir/.well-known/smart-configuration', (c) => c.json(smartConfiguration(deps)));
  app.post('/oauth/token', async (c) => {
    if (!/application\/x-www-form-urlencoded/i.test(c.req.header('content-type') ?? '')) {
      throw new OAuthError('invalid_request', 'the token request must be application/x-www-form-urlencoded', 'トークン要求は application/x-www-form-urlencoded で送ってください');
    }
    const body = await c.req.parseBody();
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
    const result = await withTransaction(deps.db, { actor: systemActor('oauth'), now: deps.now(), request: { requestId: (c.get('requestId' as never) as string) ?? null, userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null, ip: (c.get('clientIp' as never) as string | null) ?? null } }, (ctx) =>
      issueAccessToken({ ctx, input: { grantType: str('grant_type'), assertionType: str('client_assertion_type'), assertion: str('client_assertion'), scope: str('scope'), tokenUrl: tokenUrl(deps) } }),
    );
    return c.json(result, 200, { 'cache-control': 'no-store', pragma: 'no-cache' });
  });
  return app;
}
