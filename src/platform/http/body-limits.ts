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
      m = bodyLimit({ maxSize: maxBytes, onError: (c) => tooLarge(c, maxBytes) });
      limiters.set(maxBytes, m);
    }
    return m;
  };
  return async (c, next) => {
    const path = c.req.path;
    const rule = sorted.find((r) => path.startsWith(r.prefix));
    const maxBytes = rule?.maxBytes ?? fallbackBytes;
    // Settled from the headers where they settle it, the same rule as hono's bodyLimit (a
    // Content-Length without Transfer-Encoding is the size: Node's parser reads no more),
    // without touching c.req.raw.body: on Node that getter builds the whole web Request and
    // starts streaming the body in — for a webhook refused while overloaded, half its cost.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) return parseInt(declared, 10) > maxBytes ? tooLarge(c, maxBytes) : next();
    return limiterFor(maxBytes)(c, next);
  };
}
