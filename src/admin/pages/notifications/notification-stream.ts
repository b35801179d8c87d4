import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Deps } from '../../../deps';
import type { AdminContext, AdminEnv } from '../../auth/types';
import { streamGuard } from '../../triage/stream-guard';
import type { NotificationHub } from './notification-hub';

const RECHECK_MS = 15_000;

/**
 * GET /admin/notifications/stream — server-sent events, one per notification filed,
 * accepted or returned within the actor's scope (id and status only). Like the alert
 * stream, the session is checked again before every event and every 15 s; when it no
 * longer stands the stream sends `event: end` and closes.
 */
export function addNotificationStream(app: Hono<AdminEnv>, deps: Deps, hub: NotificationHub) {
  app.get('/notifications/stream', async (c: AdminContext) => {
    const actor = c.get('actor');
    const guard = await streamGuard(deps, c);
    return streamSSE(c, async (stream) => {
      const queued: string[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = await hub.subscribe(actor, (n) => {
        queued.push(JSON.stringify(n));
        wake?.();
      });
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      const stopping = () => wake?.();
      deps.stopping?.addEventListener('abort', stopping);
      await stream.writeSSE({ event: 'ready', data: '{}', retry: 3000 } as never);
      let allowed = true;
      while (allowed && !stream.aborted && !stream.closed && !deps.stopping?.aborted) {
        const item = queued.shift();
        if (item) {
          allowed = await guard.stillAllowed();
          if (allowed) await stream.writeSSE({ event: 'notification', data: item });
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, RECHECK_MS).unref?.();
        });
        wake = null;
        if (queued.length || stream.aborted || deps.stopping?.aborted) continue;
        allowed = await guard.stillAllowed();
        if (allowed) await stream.write(': keep-alive\n\n');
      }
      deps.stopping?.removeEventListener('abort', stopping);
      unsubscribe();
      if (!allowed && !stream.aborted) await stream.writeSSE({ event: 'end', data: '{"reason":"session"}' });
    });
  });
}
