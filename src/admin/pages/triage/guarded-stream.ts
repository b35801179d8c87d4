import { streamSSE } from 'hono/streaming';
import type { Deps } from '../../../deps';
import type { AdminContext } from '../../auth/types';
import { streamGuard } from './stream-guard';

export interface GuardedStreamOptions {
  /** The SSE event name of each item (`alert`, `notification`). */
  event: string;
  /** Subscribe to the items for this console; returns the unsubscribe. */
  subscribe: (push: (data: string) => void) => Promise<() => void>;
  /** How often an idle stream asks again whether its session still stands (ms). */
  recheckMs: number;
  /** How often an idle stream writes a comment so proxies keep it open (ms). */
  keepAliveMs: number;
}

/**
 * A console's live stream of server-sent events: each item is sent only after the session
 * is checked again (logout, a disabled account, a role, scope or password change end it),
 * and an idle stream re-checks every `recheckMs` and writes a keep-alive every
 * `keepAliveMs`. When the session no longer stands it sends `event: end` and closes; on
 * shutdown (`deps.stopping`) it ends cleanly and the browser reconnects to a running process.
 */
export async function guardedStream(c: AdminContext, deps: Deps, opts: GuardedStreamOptions): Promise<Response> {
  const guard = await streamGuard(deps, c);
  return streamSSE(c, async (stream) => {
    const queued: string[] = [];
    let wake: (() => void) | null = null;
    const unsubscribe = await opts.subscribe((data) => {
      queued.push(data);
      wake?.();
    });
    stream.onAbort(() => {
      unsubscribe();
      wake?.();
    });
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
        if (allowed) await stream.writeSSE({ event: opts.event, data: item });
        wroteAt = Date.now();
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, Math.min(opts.recheckMs, opts.keepAliveMs)).unref?.();
      });
      wake = null;
      if (queued.length || stream.aborted || deps.stopping?.aborted) continue;
      if (Date.now() - checkedAt >= opts.recheckMs) {
        allowed = await guard.stillAllowed();
        checkedAt = Date.now();
      }
      if (allowed && Date.now() - wroteAt >= opts.keepAliveMs) {
        await stream.write(': keep-alive\n\n');
        wroteAt = Date.now();
      }
    }
    deps.stopping?.removeEventListener('abort', stopping);
    unsubscribe();
    if (!allowed && !stream.aborted) await stream.writeSSE({ event: 'end', data: '{"reason":"session"}' });
  });
}
