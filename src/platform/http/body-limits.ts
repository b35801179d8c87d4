import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/** One route family's limit: the longest matching path prefix wins. */
export interface BodyLimitRule {
  prefix: string;
  maxBytes: number;
}

/**
 * A request-body limit for every route, enforced while the body streams in: a declared
 * Content-Length over the limit is refused before anything is read, and a chunked body is
 * cut at the first byte past it, so no route (not even the sign-in form, which reads its
 * body before the CSRF check and the throttle) ever buffers more than its limit.
 * Routers may set a tighter limit of their own (LINE webhook, web check forms).
 *
 * @example app.use('*', bodyLimits([{ prefix: '/api/v1/imports', maxBytes: 20 << 20 }], 1 << 20))
 */
export function bodyLimits(rules: readonly BodyLimitRule[], fallbackBytes: number): MiddlewareHandler {
  const sorted = [...rules].sort((a, b) => b.prefix.length - a.prefix.length);
  const limiters = new Map<number, MiddlewareHandler>();
  const tooLarge = (c: Context, maxBytes: number) =>
    c.json(
      { code: 'payload_too_large', message: `the request body is larger than ${maxBytes} bytes`, messageJa: `送信されたデータが大きすぎます（上限 ${Math.ceil(maxBytes / 1024)} KB）`, requestId: c.get('requestId') ?? null },
      413,
    );
  const limiterFor = (maxBytes: number) => {
    let m = limiters.get(maxBytes);
    if (!m) {
      m = limitBody(maxBytes, (c) => tooLarge(c, maxBytes));
      limiters.set(maxBytes, m);
    }
    return m;
  };
  return async (c, next) => {
    const path = c.req.path;
    const rule = sorted.find((r) => path.startsWith(r.prefix));
    return limiterFor(rule?.maxBytes ?? fallbackBytes)(c, next);
  };
}

/**
 * One body limit (hono's bodyLimit), settled from the headers where they settle it, by the
 * same rule as hono's (a Content-Length without Transfer-Encoding is the size: Node's parser
 * reads no more), without touching c.req.raw.body: on Node that getter builds the whole web
 * Request and starts streaming the body in — for a webhook refused while overloaded, half its
 * cost, and about 7 % of the intake's CPU at 400 LINE webhooks/s (a profile of the topology
 * bench) when every request went through it. A chunked body is counted as it streams in.
 */
export function limitBody(maxBytes: number, onTooLarge: (c: Context) => Response | Promise<Response>): MiddlewareHandler {
  const streamed = bodyLimit({ maxSize: maxBytes, onError: onTooLarge });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) return parseInt(declared, 10) > maxBytes ? onTooLarge(c) : next();
    return streamed(c, next);
  };
}
