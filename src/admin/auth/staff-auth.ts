import type { MiddlewareHandler } from 'hono';
import { timingSafeEqual } from 'node:crypto';
import type { Deps } from '../../deps';
import { actorForToken } from '../../domain/staff/api-tokens';
import { findStaffSession, sessionActor, touchStaffSession } from '../../domain/staff/sessions';
import { langOf, readSessionCookie } from './cookies';
import type { AdminEnv } from './types';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The CSRF token a request carries: header X-CSRF-Token (or X-XSRF-TOKEN, which Bull Board's
 * axios client sends from its cookie, see queues-board.ts), or the form field _csrf.
 */
export async function submittedCsrf(c: Parameters<MiddlewareHandler>[0]): Promise<string> {
  const header = c.req.header('x-csrf-token') ?? c.req.header('x-xsrf-token');
  if (header) return header;
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
    // parseBody caches the body, so the route can read it again.
    const body = await c.req.parseBody();
    return typeof body._csrf === 'string' ? body._csrf : '';
  }
  return '';
}

const isApi = (path: string) => path.startsWith('/api/');

/**
 * Staff authentication for console pages and the API. Accepts the console session cookie
 * (then every non-GET must carry the session's CSRF token) or, on the API only,
 * `Authorization: Bearer …` (an api_tokens row; no CSRF, since browsers never send it on
 * their own). Console pages take sessions only: a token there would skip CSRF and the
 * second factor (e.g. to change the password), so it is refused with 401 — except where a
 * router asks for `bearerOutsideApi` (the Bull Board, an operations tool with its own JSON
 * API that scripts call; national officers only, nothing about accounts). Sets
 * c.get('actor'|'lang'|'csrfToken'). Without either: pages redirect to /admin/login, the
 * API answers 401.
 */
export function staffAuth(deps: Deps, opts: { bearerOutsideApi?: (path: string) => boolean } = {}): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    c.set('lang', langOf(c));
    const now = deps.now();
    const authz = c.req.header('authorization');
    if (authz && !isApi(c.req.path) && !opts.bearerOutsideApi?.(c.req.path)) {
      return c.json({ code: 'unauthorized', message: 'console pages take a signed-in session, not a bearer token', messageJa: '画面はログインしたセッションでのみ使えます（APIトークンは /api/v1 でのみ有効です）', requestId: c.get('requestId') }, 401);
    }
    if (authz) {
      const m = /^Bearer\s+(\S+)$/i.exec(authz);
      const found = m ? await actorForToken(deps.db, m[1]!, now) : null;
      if (!found) return c.json({ code: 'unauthorized', message: 'invalid or revoked token', requestId: c.get('requestId') }, 401);
      c.set('actor', found.actor);
      c.set('displayName', found.displayName);
      c.set('csrfToken', '');
      return next();
    }
    const cookie = readSessionCookie(c, deps);
    const session = cookie ? await findStaffSession(deps.db, cookie, now) : null;
    if (!session || !session.mfaPassed) {
      if (isApi(c.req.path)) return c.json({ code: 'unauthorized', message: 'sign in or send a bearer token', requestId: c.get('requestId') }, 401);
      if (session && !session.mfaPassed) return c.redirect('/admin/login/totp', 303);
      const back = c.req.method === 'GET' ? `?next=${encodeURIComponent(c.req.path)}` : '';
      return c.redirect(`/admin/login${back}`, 303);
    }
    if (!SAFE_METHODS.has(c.req.method)) {
      const sent = await submittedCsrf(c);
      if (!sent || !sameToken(sent, session.csrfToken)) {
        return c.json({ code: 'csrf_failed', message: 'missing or wrong CSRF token; reload the page and try again', requestId: c.get('requestId') }, 403);
      }
    }
    await touchStaffSession(deps.db, session, now);
    c.set('actor', sessionActor(session, 'session'));
    c.set('displayName', session.user.displayName);
    c.set('csrfToken', session.csrfToken);
    c.set('sessionKey', session.key);
    return next();
  };
}
