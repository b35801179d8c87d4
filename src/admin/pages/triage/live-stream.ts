import type { Hono } from 'hono';
import type { Deps } from '../../../deps';
import type { AdminContext, AdminEnv } from '../../auth/types';
import type { AlertHub } from './alert-hub';
import { guardedStream } from './guarded-stream';

export interface LiveStreamOptions {
  /** How often an idle stream asks again whether its session still stands (ms). */
  recheckMs?: number;
  /** How often an idle stream writes a comment so proxies keep it open (ms). */
  keepAliveMs?: number;
}

export const STREAM_RECHECK_MS = 15_000;
const KEEP_ALIVE_MS = 25_000;

/**
 * GET /admin/triage/stream — server-sent events, one per alert raised or changed within
 * the actor's scope (ids and severity only). The stream re-checks its session before every
 * event and every `recheckMs` while idle: after logout, a disabled account, a role or
 * scope change or a password change it sends `event: end` and closes, so nothing more
 * reaches a console that may no longer see it (the page then reloads, and signs in again
 * if it must).
 */
export function addLiveStream(app: Hono<AdminEnv>, deps: Deps, hub: AlertHub, opts: LiveStreamOptions = {}) {
  const recheckMs = opts.recheckMs ?? STREAM_RECHECK_MS;
  const keepAliveMs = opts.keepAliveMs ?? KEEP_ALIVE_MS;
  app.get('/triage/stream', (c: AdminContext) =>
    guardedStream(c, deps, {
      event: 'alert',
      recheckMs,
      keepAliveMs,
      subscribe: (push) =>
        hub.subscribe(c.get('actor'), (n) => push(JSON.stringify({ alertId: n.alertId, severity: n.severity, created: n.created, event: n.event ?? (n.created ? 'raised' : 'updated') }))),
    }),
  );
}
