import type { MiddlewareHandler } from 'hono';
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
  const limiterFor = (maxBytes: number) => {
    let m = limiters.get(maxBytes);
    if (!m) {
      m = bodyLimit({
        maxSize: maxBytes,
        onError: (c) =>
          c.json(
            { code: 'payload_too_large', message: `the request body is larger than ${maxBytes} bytes`, messageJa: `送信されたデータが大きすぎます（上限 ${Math.ceil(maxBytes / 1024)} KB）`, requestId: c.get('requestId') ?? null },
            413,
          ),
      });
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
