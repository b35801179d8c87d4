import type { MiddlewareHandler } from 'hono';

/**
 * The headers of a page whose address carries a token (the web check /c, a facility's round
 * page /f): the token is a credential — never cached, never sent on as a Referer, never
 * indexed — and only what `csp` allows may run or load.
 */
export function tokenPageHeaders(csp: string): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (c.res.headers.get('Cache-Control') === null) c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Robots-Tag', 'noindex, nofollow');
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    c.header('Content-Security-Policy', csp);
  };
}
