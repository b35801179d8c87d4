import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Deps } from '../../deps';
import type { AdminContext, AdminEnv } from '../auth/types';
import type { AlertHub } from './alert-hub';
import { streamGuard } from './stream-guard';

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
  app.get('/triage/stream', async (c: AdminContext) => {
    const actor = c.get('actor');
    const guard = await streamGuard(deps, c);
    return streamSSE(c, async (stream) => {
      const queued: string[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = await hub.subscribe(actor, (n) => {
        queued.push(JSON.stringify({ alertId: n.alertId, severity: n.severity, created: n.created, event: n.event ?? (n.created ? 'raised' : 'updated') }));
        wake?.();
      });
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      // On shutdown the stream ends cleanly; the browser reconnects (retry) to a running process.
      const stopping = () => wake?.();
      deps.stopping?.addEventListener('abort', stopping);
      await stream.writeSSE({ event: 'ready', data: '{}', retry: 3000 } as never);
      let checkedAt = Date.now();
      let wroteAt = Date.now();
      let allowed = true;
      while (allowed && !stream.aborted && !stream.closed && !deps.stopping?.aborted) {
        const item = queued.shift();
        if (item) {
          allowed = await guard.stillAllowed();
          checkedAt = Date.now();
          if (allowed) await stream.writeSSE({ event: 'alert', data: item });
          wroteAt = Date.now();
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.min(recheckMs, keepAliveMs)).unref?.();
        });
        wake = null;
        if (queued.length || stream.aborted || deps.stopping?.aborted) continue;
        if (Date.now() - checkedAt >= recheckMs) {
          allowed = await guard.stillAllowed();
          checkedAt = Date.now();
        }
        if (allowed && Date.now() - wroteAt >= keepAliveMs) {
          await stream.write(': keep-alive\n\n');
          wroteAt = Date.now();
        }
      }
      deps.stopping?.removeEventListener('abort', stopping);
      unsubscribe();
      if (!allowed && !stream.aborted) await stream.writeSSE({ event: 'end', data: '{"reason":"session"}' });
    });
  });
}
