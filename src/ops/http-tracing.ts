import { SpanKind } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { routeGroup } from '../platform/metrics/labels';
import { inSpan } from '../platform/tracing/spans';

/** A server span per request, named by route group: a path may hold a link token or an id, so it is not recorded. */
export function httpTracing(): MiddlewareHandler {
  return (c, next) =>
    inSpan(
      `${c.req.method} ${routeGroup(c.req.path)}`,
      { 'http.request.method': c.req.method, 'mimamori.route_group': routeGroup(c.req.path) },
      async (span) => {
        await next();
        span.setAttribute('http.response.status_code', c.res.status);
      },
      SpanKind.SERVER,
    );
}
