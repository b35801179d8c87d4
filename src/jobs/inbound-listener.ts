import { z } from 'zod';
import type { Deps } from '../deps';
import { withJobIds, type JobTarget } from './define';
import { inboundJobFor, INBOUND_JOB_TARGETS } from './inbound-jobs';
import { sweepInbound } from './sweep-inbound';

/** The channel the inbound_events insert trigger notifies (db/migrations/0002_inbound_events_notify.sql). */
export const INBOUND_CHANNEL = 'mimamori_inbound';

// `urgent`: a red answer (migration 0034), enqueued on its provider's urgent lane (`inbound.<provider>.urgent`) when there is one.
const notification = z.object({ id: z.uuid(), provider: z.string().min(1), urgent: z.literal(true).optional() });

export interface InboundListener {
  /** Stop listening (before the database pool closes on shutdown). */
  close(): Promise<void>;
}

/**
 * The Node side of the Workers intake (issue 10): LISTEN for stored inbound events and
 * enqueue `inbound.<provider>` with { eventId } at once, under the same job id the Node
 * intake uses (`inbound:<eventId>`). Rows the Node intake stores are not announced (the
 * trigger skips Node's connections, migration 0003): it enqueues them itself, so each
 * event is enqueued once whichever intake stored it.
 * A red answer (`urgent` in the notification) goes to the urgent lane, as the Node intake
 * puts it. Notifications arriving together (one webhook's events commit in one transaction)
 * go to Redis in one addBulk per provider and lane. After a reconnect, events stored while the
 * connection was down are swept at once; otherwise the tick's sweeper is the safety net.
 * Returns null on PGlite (no LISTEN across processes; there is only the Node intake).
 * @example const listener = await startInboundListener(deps); … await listener?.close();
 */
export async function startInboundListener(deps: Deps, jobs: readonly JobTarget[] = INBOUND_JOB_TARGETS): Promise<InboundListener | null> {
  const pg = deps.dbHandle.pg;
  if (!pg) return null;
  let pending = new Map<string, string[]>();
  let flushing: Promise<void> | null = null;

  const flush = async () => {
    const batch = pending;
    pending = new Map();
    for (const [lane, ids] of batch) {
      const def = inboundJobFor(lane, jobs);
      if (!def) {
        deps.logger.warn({ provider: lane, events: ids.length }, 'stored inbound events have no job to process them');
        continue;
      }
      // false = Redis unreachable (logged by the runner); the rows wait for the sweeper.
      await deps.jobs.triggerBulk(def, withJobIds(def, ids.map((eventId) => ({ eventId }))));
    }
  };

  const onNotify = (raw: string) => {
    let parsed;
    try {
      parsed = notification.safeParse(JSON.parse(raw));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) {
      deps.logger.warn({ channel: INBOUND_CHANNEL }, 'ignored a malformed inbound notification');
      return;
    }
    const { id, provider, urgent } = parsed.data;
    const lane = urgent && inboundJobFor(`${provider}.urgent`, jobs) ? `${provider}.urgent` : provider;
    pending.set(lane, [...(pending.get(lane) ?? []), id]);
    schedule();
  };

  // Let the rest of this burst arrive (same tick), then one round trip to Redis; what
  // arrives during a flush goes in the next one.
  const schedule = () => {
    if (flushing || pending.size === 0) return;
    flushing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(flush)
      .catch((err: Error) => deps.logger.warn({ err: err.message }, 'could not enqueue notified inbound events; the sweeper will'))
      .finally(() => {
        flushing = null;
        schedule();
      });
  };

  let listens = 0;
  const onListen = () => {
    if (++listens === 1) return;
    deps.logger.info({ channel: INBOUND_CHANNEL }, 'inbound listener reconnected; sweeping events stored meanwhile');
    void sweepInbound(deps, { now: deps.now(), olderThanMs: 0, limit: 5_000, jobs }).catch((err: Error) =>
      deps.logger.warn({ err: err.message }, 'sweep after reconnect failed; the tick sweeps again'),
    );
  };

  const { unlisten } = await pg.listen(INBOUND_CHANNEL, onNotify, onListen);
  deps.logger.info({ channel: INBOUND_CHANNEL }, 'listening for inbound events stored by any intake');
  return {
    async close() {
      await unlisten().catch(() => undefined);
      await flushing;
    },
  };
}
