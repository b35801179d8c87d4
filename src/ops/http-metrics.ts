import type { MiddlewareHandler } from 'hono';
import { httpDuration } from '../platform/metrics/events';
import { methodLabel, routeGroup, statusClass } from '../platform/metrics/labels';

/** Latency of every request, by route group (never the path itself: it may hold an id or a link token). */
export function httpMetrics(): MiddlewareHandler {
  return async (c, next) => {
    const end = httpDuration.startTimer({ group: routeGroup(c.req.path), method: methodLabel(c.req.method) });
    try {
      await next();
    } finally {
      end({ status_class: statusClass(c.res.status) });
    }
  };
}
