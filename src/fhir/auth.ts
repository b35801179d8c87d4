import type { Context, MiddlewareHandler } from 'hono';
import type { Ctx, RequestInfo } from '../domain/context';
import { fhirClientForToken, type FhirClientAuth } from '../domain/fhir/fhir-client-actor';
import { permits, type ScopeOp } from '../domain/fhir/scopes';
import type { Deps } from '../deps';
import { FhirRequestError } from './outcome';
import { createTokenCache } from './token-cache';

export type FhirEnv = { Variables: { fhir: FhirClientAuth; requestId: string } };

/** The address resolved by the app's resolveClientAddress middleware (X-Forwarded-For from trusted proxies). */
function fhirRequestInfo(c: Context): RequestInfo {
  return { ip: (c.get('clientIp' as never) as string | null | undefined) ?? null, userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null, requestId: (c.get('requestId') as string | undefined) ?? null };
}

/** Bearer access token from POST /oauth/token → the client (401 OperationOutcome otherwise); verified tokens are cached (token-cache.ts). */
export function fhirAuth(deps: Deps): MiddlewareHandler<FhirEnv> {
  const tokens = createTokenCache();
  return async (c, next) => {
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    const now = deps.now();
    const auth = m ? await tokens.get(m[1]!, now, () => fhirClientForToken(deps.db, m[1]!, now)) : null;
    if (!auth) {
      throw new FhirRequestError(401, 'login', 'a valid access token from /oauth/token is required', 'アクセストークン（/oauth/token で発行）が必要です、または期限切れです');
    }
    c.set('fhir', auth);
    await next();
  };
}

/** 403 unless the token's SMART scopes allow `op` on `type`. */
export function requireScope(c: Context<FhirEnv>, type: string, op: ScopeOp): void {
  if (!permits(c.get('fhir').scopes, type, op)) {
    throw new FhirRequestError(403, 'forbidden', `scope system/${type}.${op} is not granted to this token`, `このトークンには system/${type}.${op} のスコープがありません`);
  }
}

/** The ctx base for a verb: the client's actor, the clock and the request. */
export function clientCtx(c: Context<FhirEnv>, deps: Deps): Omit<Ctx, 'tx'> {
  return { actor: c.get('fhir').actor, now: deps.now(), request: fhirRequestInfo(c) };
}
