import { and, eq, isNull, lt } from 'drizzle-orm';
import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import { fhirAccessTokens, fhirAssertionJtis, fhirClients } from '../../../db/schema';
import { randomToken, sha256 } from '../../platform/security/tokens';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { OAuthError } from './oauth-error';
import { grantScopes, parseScopes } from './scopes';
import { requirePermission } from '../permissions';

/** SMART Backend Services: assertions and access tokens live at most five minutes. */
export const MAX_ASSERTION_SECONDS = 300;
export const ACCESS_TOKEN_SECONDS = 300;
export const ASSERTION_ALGORITHMS = ['RS384', 'ES384'];
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TokenRequest {
  grantType?: string;
  assertionType?: string;
  assertion?: string;
  scope?: string;
  /** The token endpoint's own URL: the `aud` every assertion must name. */
  tokenUrl: string;
}

const badClient = (message: string, ja: string) => new OAuthError('invalid_client', message, ja);

/**
 * POST /oauth/token with client_credentials and a signed client assertion: verifies the JWT
 * against the client's registered JWKS (RS384 / ES384), refuses an `exp` more than five
 * minutes ahead and any `jti` seen before, and issues a 5-minute token carrying the
 * requested scopes narrowed to what the client is registered for. Audited.
 */
export async function issueAccessToken({ ctx, input }: VerbArgs<TokenRequest>) {
  requirePermission(ctx.actor, 'issueAccessToken');
  if (input.grantType !== 'client_credentials') throw new OAuthError('unsupported_grant_type', 'grant_type must be client_credentials', 'grant_type は client_credentials にしてください');
  if (input.assertionType !== JWT_BEARER || !input.assertion) throw new OAuthError('invalid_request', `client_assertion_type must be ${JWT_BEARER} with a client_assertion`, 'client_assertion（署名付きJWT）が必要です');
  let clientId: string | undefined;
  try {
    const claims = decodeJwt(input.assertion);
    clientId = claims.iss === claims.sub ? claims.iss : undefined;
  } catch {
    throw badClient('client_assertion is not a JWT', 'client_assertion が JWT ではありません');
  }
  if (!clientId || !UUID_RE.test(clientId)) throw badClient('iss and sub must both be the client id', 'iss と sub はクライアントIDにしてください');
  const [client] = await ctx.tx.select().from(fhirClients).where(and(eq(fhirClients.id, clientId), isNull(fhirClients.revokedAt)));
  if (!client) throw badClient('unknown client', 'クライアントが登録されていません');

  let exp: number;
  let jti: string;
  try {
    const { payload } = await jwtVerify(input.assertion, createLocalJWKSet(client.jwks as Parameters<typeof createLocalJWKSet>[0]), {
      algorithms: ASSERTION_ALGORITHMS,
      issuer: clientId,
      subject: clientId,
      audience: input.tokenUrl,
      currentDate: ctx.now,
      requiredClaims: ['exp', 'jti'],
    });
    exp = payload.exp!;
    jti = String(payload.jti);
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw badClient('client_assertion has expired', 'client_assertion の有効期限が切れています');
    if (err instanceof joseErrors.JWTClaimValidationFailed) throw badClient(`client_assertion claim ${err.claim} is not valid`, `client_assertion の ${err.claim} が正しくありません`);
    throw badClient('client_assertion is not signed by a registered key', 'client_assertion が登録された鍵で署名されていません');
  }
  if (exp * 1000 - ctx.now.getTime() > MAX_ASSERTION_SECONDS * 1000) throw badClient('client_assertion exp must be at most 5 minutes ahead', 'client_assertion の exp は5分以内にしてください');

  // A jti may be forgotten once its assertion has expired: jwtVerify refuses that one anyway.
  await ctx.tx.delete(fhirAssertionJtis).where(and(eq(fhirAssertionJtis.clientId, clientId), lt(fhirAssertionJtis.expiresAt, ctx.now)));
  const fresh = await ctx.tx.insert(fhirAssertionJtis).values({ clientId, jti, expiresAt: new Date(exp * 1000) }).onConflictDoNothing().returning({ jti: fhirAssertionJtis.jti });
  if (fresh.length === 0) throw badClient('client_assertion jti has been used before', 'この client_assertion（jti）は使用済みです');

  const requested = parseScopes(input.scope ?? '');
  if (requested.unknown.length || requested.scopes.length === 0) throw new OAuthError('invalid_scope', 'scope must be SMART system scopes such as system/Patient.rs', 'scope は system/Patient.rs のような SMART のシステムスコープにしてください');
  const granted = grantScopes(requested.scopes, client.scopes);
  if (granted.length === 0) throw new OAuthError('invalid_scope', 'none of the requested scopes is granted to this client', '要求されたスコープはこのクライアントに許可されていません');

  const token = randomToken('fhr_');
  await ctx.tx.insert(fhirAccessTokens).values({ tokenHash: sha256(token), clientId, scopes: granted, expiresAt: new Date(ctx.now.getTime() + ACCESS_TOKEN_SECONDS * 1000), createdAt: ctx.now });
  await ctx.tx.delete(fhirAccessTokens).where(and(eq(fhirAccessTokens.clientId, clientId), lt(fhirAccessTokens.expiresAt, ctx.now)));
  await writeAudit(ctx, { action: 'token', entity: 'fhir_client', entityId: clientId, details: { scopes: granted } });
  return { access_token: token, token_type: 'bearer', expires_in: ACCESS_TOKEN_SECONDS, scope: granted.join(' ') };
}
