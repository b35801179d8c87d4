import type { Hono } from 'hono';
import type { Deps } from '../../../deps';
import type { AdminContext, AdminEnv } from '../../auth/types';
import { guardedStream } from '../triage/guarded-stream';
import type { NotificationHub } from './notification-hub';

const RECHECK_MS = 15_000;

/**
 * GET /admin/notifications/stream — server-sent events, one per notification filed,
 * accepted or returned within the actor's scope (id and status only). Like the alert
 * stream, the session is checked again before every event and every 15 s; when it no
 * longer stands the stream sends `event: end` and closes.
 */
export function addNotificationStream(app: Hono<AdminEnv>, deps: Deps, hub: NotificationHub) {
  app.get('/notifications/stream', (c: AdminContext) =>
    guardedStream(c, deps, { event: 'notification', recheckMs: RECHECK_MS, keepAliveMs: RECHECK_MS, subscribe: (push) => hub.subscribe(c.get('actor'), (n) => push(JSON.stringify(n))) }),
  );
}
