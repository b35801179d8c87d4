import { isTappedRed, markUrgentEvents, storeInboundEvents, type Db, type InboundProvider, type InboxRow, type StoredInboundEvent } from '../../domain/inbox/store-events';
import { withJobIds } from '../../jobs/define';
import { INBOUND_JOBS, lineUrgentInboundTarget, type InboundJobProvider } from '../../jobs/inbound-jobs';
import type { IntakeJobs } from './types';
import { urgentRows } from './urgent-lane';

export type { InboxRow } from '../../domain/inbox/store-events';

export interface StoredEvent {
  id: string;
  /** Stored before (a redelivery): nothing new was written. */
  duplicate: boolean;
}

export interface InboxWriter {
  /** Store the events; resolves once they are committed (their jobs are announced right after). */
  store(rows: InboxRow[]): Promise<StoredEvent[]>;
}

interface Waiting {
  rows: InboxRow[];
  resolve(events: StoredEvent[]): void;
  reject(err: unknown): void;
}

/**
 * Inbox first, with group commit: the events of the webhook requests that arrive while a
 * write is under way are stored together — one INSERT … ON CONFLICT DO NOTHING and one
 * addBulk for all of them — and each request is answered when its events are committed.
 * A request never waits for a timer: the first one is written at once (next turn of the
 * event loop), and at a morning peak later ones gather behind the writes in flight, so the
 * database and Redis see a few statements a second instead of one per request.
 * Redelivered events are enqueued again while still unprocessed (the job id dedupes).
 * `onStored` hears how many new events each commit added (the overload gate counts them).
 * Each request is answered at the commit; the write's jobs are added to the queues after
 * it, the write keeping its slot until then (so at most `maxInFlight` announcements wait):
 * at a surge the addBulk took as long as the insert (≈ 100 ms each at 2,000 webhooks/s on
 * this machine), and LINE's connection is held for neither. A database error rejects every
 * request of that write (each answers 5xx; the provider delivers again); Redis being down
 * or slow loses nothing (the rows are stored; the sweeper enqueues what waits).
 */
export function createInboxWriter(db: Db, jobs: IntakeJobs, opts: { maxRows?: number; maxInFlight?: number; onStored?: (newEvents: number) => void } = {}): InboxWriter {
  const maxRows = opts.maxRows ?? 500;
  const maxInFlight = opts.maxInFlight ?? 4;
  const queue: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;

  const schedule = () => {
    if (scheduled || inFlight >= maxInFlight || queue.length === 0) return;
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      void flush();
    }, 0);
  };

  async function flush() {
    const batch: Waiting[] = [];
    let rows = 0;
    while (queue.length > 0 && (batch.length === 0 || rows + queue[0]!.rows.length <= maxRows)) {
      const w = queue.shift()!;
      batch.push(w);
      rows += w.rows.length;
    }
    inFlight++;
    schedule(); // more waiting than one write takes: start the next one alongside
    try {
      const all = batch.flatMap((w) => w.rows);
      let stored: StoredInboundEvent[];
      try {
        stored = await storeInboundEvents(db, all);
      } catch (err) {
        for (const w of batch) w.reject(err);
        return;
      }
      opts.onStored?.(stored.filter((e) => !e.duplicate).length);
      let at = 0;
      for (const w of batch) {
        w.resolve(stored.slice(at, at + w.rows.length).map(({ id, duplicate }) => ({ id, duplicate })));
        at += w.rows.length;
      }
      // The requests are answered: a failure here (Redis refusing is reported as false, not
      // thrown) leaves the stored rows to the sweeper, like a Redis outage.
      await announceFresh(db, jobs, all, stored).catch(() => undefined);
    } finally {
      inFlight--;
      schedule();
    }
  }

  return {
    store(rows) {
      if (rows.length === 0) return Promise.resolve([]);
      return new Promise((resolve, reject) => {
        queue.push({ rows, resolve, reject });
        schedule();
      });
    },
  };
}

/**
 * The events not handled yet, each in its lane (urgentRows: a red tap, or a typed text its
 * sender's hint says is red); a typed red one is then marked in its row (after the enqueue,
 * which is what hurries it), so ordinary batches leave it to its job.
 */
async function announceFresh(db: Db, jobs: IntakeJobs, rows: InboxRow[], stored: StoredInboundEvent[]) {
  const fresh = stored.flatMap((e, i) => (e.processed ? [] : [i]));
  const urgent = await urgentRows(jobs, fresh.map((i) => rows[i]!));
  await announce(jobs, fresh.map((i, k) => ({ ...stored[i]!, urgent: urgent[k]! })));
  await markUrgentEvents(db, fresh.filter((i, k) => urgent[k] && !isTappedRed(rows[i]!)).map((i) => stored[i]!.id));
}

/**
 * One addBulk per job kind; job ids are the events' own, so an event announced twice is one
 * job. A red answer goes to the urgent lane first (lineUrgentInboundTarget).
 */
async function announce(jobs: IntakeJobs, events: { id: string; provider: InboundProvider; urgent: boolean }[]) {
  const urgent = [...new Set(events.filter((e) => e.urgent).map((e) => e.id))];
  if (urgent.length > 0) await jobs.triggerBulk(lineUrgentInboundTarget, withJobIds(lineUrgentInboundTarget, urgent.map((eventId) => ({ eventId }))));
  for (const provider of Object.keys(INBOUND_JOBS) as InboundJobProvider[]) {
    const ids = [...new Set(events.filter((e) => e.provider === provider && !e.urgent).map((e) => e.id))];
    if (ids.length > 0) await jobs.triggerBulk(INBOUND_JOBS[provider], withJobIds(INBOUND_JOBS[provider], ids.map((eventId) => ({ eventId }))));
  }
}
