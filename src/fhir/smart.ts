import { Hono, type Context } from 'hono';
import { decodeJwt } from 'jose';
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
    const limited = await overTokenLimit(deps, c);
    if (limited) return limited;
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The client an assertion names (unverified: only to count its requests; anything else is one bucket). */
async function claimedClient(c: Context): Promise<string> {
  try {
    const body = await c.req.parseBody();
    const iss = typeof body.client_assertion === 'string' ? decodeJwt(body.client_assertion).iss : undefined;
    return iss && UUID.test(iss) ? iss.toLowerCase() : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Token requests a minute, per source address and per client (shared by every process
 * through Redis): a client renews its 5-minute token a few times an hour, so more is a loop
 * or someone guessing assertions. Over either limit: 429 with Retry-After, nothing checked.
 */
async function overTokenLimit(deps: Deps, c: Context): Promise<Response | null> {
  const address = (c.get('clientIp' as never) as string | null) ?? 'unknown';
  const waits = [
    await deps.jobs.windowWait(`oauth-address:${address}`, deps.env.FHIR_TOKEN_REQUESTS_PER_MINUTE_PER_ADDRESS, 60_000),
    await deps.jobs.windowWait(`oauth-client:${await claimedClient(c)}`, deps.env.FHIR_TOKEN_REQUESTS_PER_MINUTE, 60_000),
  ];
  const waitMs = Math.max(...waits);
  if (waitMs <= 0) return null;
  const retryAfter = String(Math.max(1, Math.ceil(waitMs / 1000)));
  deps.logger.warn({ route: 'oauth_token', retryAfter }, 'token requests over the limit');
  return c.json(
    { error: 'invalid_request', error_description: `too many token requests; try again in ${retryAfter} s`, error_description_ja: `トークン要求が多すぎます。${retryAfter}秒後に再度お試しください` },
    429,
    { 'retry-after': retryAfter, 'cache-control': 'no-store' },
  );
}
