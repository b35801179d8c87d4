import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../logger';

/** One log line per request: method, route path (never the query), status, duration, request id. */
export function accessLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    logger.info(
      { requestId: c.get('requestId'), method: c.req.method, path: c.req.routePath ?? c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  };
}
