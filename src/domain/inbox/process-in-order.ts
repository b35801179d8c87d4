import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client';
import type { Db, DbOrTx, Tx } from '../../../db/client';
import { inboundEvents, type InboundProvider } from '../../../db/schema';
import type { Logger } from '../../platform/logger';
import { observeAnswer } from '../../platform/metrics/record';

export type InboundEvent = typeof inboundEvents.$inferSelect;
export type { Tx } from '../../../db/client';

/**
 * An event that keeps failing is given up after this many runs (it is marked processed with
 * its last error), so it cannot block the sender's later events for good. Each run counts:
 * a job's retries and each revival of the failed job by the tick's sweeper.
 */
export const MAX_EVENT_ATTEMPTS = 5;

const PROVIDER_NAME: Record<InboundProvider, string> = { line: 'LINE', twilio_sms: 'Twilio SMS', twilio_status: 'Twilio status', twilio_voice: 'Twilio voice', web: 'Web' };

/** One stored event's provider and payload (null when unknown). */
export async function inboundEventById(db: DbOrTx, eventId: string): Promise<Pick<InboundEvent, 'provider' | 'payload'> | null> {
  const [event] = await db.select({ payload: inboundEvents.payload, provider: inboundEvents.provider }).from(inboundEvents).where(eq(inboundEvents.id, eventId));
  return event ?? null;
}

export interface InOrderRun<R> {
  /** What the handler returned for each event it handled, oldest first (every sender of the batch). */
  results: R[];
  /** The ids of the events handled (processed_at written), in the order of `results`. */
  handledIds: string[];
  /** The sender of the job's own event and its place in the inbox; null when the event is unknown. */
  own: { senderKey: string | null; seq: number } | null;
  /** The senders whose events this run took (the own sender first), each under its advisory lock. */
  senders: string[];
  /**
   * The error of the own sender's event that will be tried again: the sender's later events
   * wait for it (order kept). The caller throws it after sending what the handled events
   * produced, so the job is retried. (Another sender's failing event is left to its own job.)
   */
  failed: Error | null;
}

/** How the run handles its events: with a savepoint each (after a failure), or all in the transaction. */
export interface HandleRun {
  savepoints: boolean;
}

export interface InOrderOptions<R = unknown> {
  /**
   * How many senders one run may take (INBOUND_BATCH_SIZE): the own sender, plus up to
   * batchSize − 1 others with the oldest unprocessed events whose advisory lock is free at
   * once (pg_try_advisory_xact_lock: a sender another run holds is left to it). 1 = the
   * own sender only.
   */
  batchSize?: number;
  /**
   * Called once a run, with every event it is about to handle (oldest first), before the
   * first: a batch reads what its events need in a few statements (answer-read-ahead.ts).
   */
  beforeHandling?: (tx: Tx, events: readonly InboundEvent[], run: HandleRun) => Promise<void>;
  /**
   * Called once a run after the last event was handled, before processed_at is written and
   * the transaction commits, with what the handlers returned: a batch writes what its
   * handlers left for it (one multi-row statement instead of one an event). Only in a run
   * without savepoints (`HandleRun.savepoints` false); with them each handler writes its own.
   */
  beforeCommit?: (tx: Tx, results: readonly R[]) => Promise<void>;
  /** The own event's sender and seq when the caller has read them already (saves a statement). */
  own?: { senderKey: string | null; seq: number };
}

const senderLock = (key: string) => `inbound:${key}`;
/** A red answer (`urgent`) waiting: the predicate of inbound_events_urgent_sender_idx, which holds only those. */
const RED_WAITING = sql`processed_at is null and urgent`;
/** Whether a sender has a red answer waiting: a probe of that index. */
const redWaitingOf = (senderKey: string) => sql`exists (select 1 from inbound_events where sender_key = ${senderKey} and ${RED_WAITING})`;
/**
 * How many of the oldest unprocessed events a run looks through for other senders: 16 a
 * batch place (at most 2,000). With 32 runs at once a window of 4 a place left most batches
 * at a handful of senders (the first candidates were held by the other runs); 16 filled
 * them (answer-path: 2.0 → 0.57 statements an answer, 565 → 777 answers/s).
 */
const OTHERS_WINDOW = 16;
const MAX_OTHERS_WINDOW = 2000;

/**
 * The one inbox processor, for every provider (LINE events, Twilio SMS, Twilio status
 * callbacks): under a transaction-scoped advisory lock on the sender, handle every
 * still-unprocessed event of that sender (of these providers) up to and including
 * `eventId`, oldest first — and, in the same transaction (`batchSize` > 1), the
 * unprocessed events of up to batchSize − 1 other senders whose lock is free, so the
 * begin, lock, read, processed_at and commit statements are shared by the batch. A
 * sender's events are always handled in seq order and never by two runs at once (the lock
 * is held to commit). The run is first tried without savepoints; if an event throws, it is
 * rolled back whole and run again with each event in a savepoint, so one broken event does
 * not undo the others; processed_at is set for all handled events in one statement before the
 * commit (effects and processed_at commit together). An event whose handler throws gets
 * its attempt and error recorded; its sender's later events wait (they are not handled in
 * this run) unless it has had MAX_EVENT_ATTEMPTS runs, when it is given up (marked
 * processed) and the sender's next events go on. Other senders' events are not held back
 * by it. A second job for events already handled finds nothing to do.
 */
export async function processInOrder<R>(
  deps: { db: Db; logger: Logger },
  eventId: string,
  providers: InboundProvider[],
  now: Date,
  handle: (tx: Tx, event: InboundEvent, run: HandleRun) => Promise<R>,
  opts: InOrderOptions<R> = {},
): Promise<InOrderRun<R>> {
  // First without a savepoint per event (two statements an event fewer): when every event
  // goes through, which is nearly always, the result is the same. When one throws, the
  // whole transaction is rolled back (nothing of it stays, no attempt is counted) and the
  // run starts again with a savepoint per event, which keeps the good events and holds
  // back only the failing event's sender.
  try {
    return await runInOrder(deps, eventId, providers, now, handle, opts, false);
  } catch (err) {
    if (!(err instanceof EventFailedWithoutSavepoint)) throw err;
    return runInOrder(deps, eventId, providers, now, handle, opts, true);
  }
}

/** An event's handler threw in a run without savepoints: that run is rolled back and done again with them. */
class EventFailedWithoutSavepoint extends Error {}

async function runInOrder<R>(
  deps: { db: Db; logger: Logger },
  eventId: string,
  providers: InboundProvider[],
  now: Date,
  handle: (tx: Tx, event: InboundEvent, run: HandleRun) => Promise<R>,
  opts: InOrderOptions<R>,
  savepoints: boolean,
): Promise<InOrderRun<R>> {
  let failed: Error | null = null;
  const batchSize = Math.max(1, opts.batchSize ?? 1);
  return deps.db.transaction(async (tx) => {
    const own = opts.own ?? (await tx.select({ seq: inboundEvents.seq, senderKey: inboundEvents.senderKey }).from(inboundEvents).where(eq(inboundEvents.id, eventId)))[0];
    if (!own) return { results: [], handledIds: [], own: null, senders: [], failed: null };
    // An ordinary run whose own sender has a red answer waiting (the sender's earlier answer's
    // job, started before the red's urgent job took the sender) takes that sender alone: the red
    // is then handled at the urgent lane's pace whichever job locks first, not inside a batch.
    const [locked] = await queryRows<{ redWaiting: boolean }>(
      tx,
      sql`select pg_advisory_xact_lock(hashtextextended(${senderLock(own.senderKey ?? eventId)}, 0)),
            ${batchSize > 1 && own.senderKey ? redWaitingOf(own.senderKey) : sql`false`} as "redWaiting"`,
    );
    const redWaiting = locked?.redWaiting === true;
    // Other senders: the oldest unprocessed events (through the partial index on received_at),
    // their senders in order of first event, each taken only if nobody else holds it (never
    // waits), up to batchSize − 1 taken: a sender another run holds is passed over for the
    // next free one (the lock is tried row by row under the limit, so only the taken are
    // locked). The window is wide enough that many runs at once (INBOUND_CONCURRENCY) still
    // fill their batches. A red answer (`urgent`: a tap marked red, or a typed one the intake
    // found red) is not what brings a sender into a batch: it is its own job's, in the urgent
    // lane, which would otherwise wait on the sender's lock for the whole batch (1.7–3.0 s in
    // 6 of 28 red runs of the topology burst with a round). Nor is a sender with a red answer
    // waiting taken for an earlier event: the red would be handled at the batch's pace. Its
    // urgent job takes the sender's earlier events with it, in order. (`calm` filters before the
    // lock is tried: a qual beside the lock could be ordered after it and lock a sender not taken.)
    // The senders with a red waiting are read once (`red`), not probed a candidate: the inbox's
    // statistics are those of a moment without a backlog (the unprocessed look like none), and
    // with a probe PostgreSQL walked the whole backlog once for every candidate — 112,000
    // blocks a run, 80 % of the database's work, at 1,000 answers/s offered (issue 16).
    const others =
      batchSize > 1 && own.senderKey && !redWaiting
        ? (
            await queryRows<{ senderKey: string }>(
              tx,
              sql`with oldest as materialized (
                    select sender_key, received_at from inbound_events
                    where processed_at is null and sender_key is not null and sender_key <> ${own.senderKey}
                      and provider in (${sql.join(providers.map((p) => sql`${p}`), sql`, `)})
                      and not urgent
                    order by received_at limit ${Math.min(batchSize * OTHERS_WINDOW, MAX_OTHERS_WINDOW)}),
                  candidates as materialized (
                    select sender_key, min(received_at) as first from oldest group by sender_key order by first),
                  red as materialized (
                    select distinct sender_key from inbound_events where ${RED_WAITING} and sender_key is not null),
                  calm as materialized (
                    select sender_key from candidates c
                    where not exists (select 1 from red where red.sender_key = c.sender_key))
                  select sender_key as "senderKey" from calm
                  where pg_try_advisory_xact_lock(hashtextextended('inbound:' || sender_key, 0))
                  limit ${batchSize - 1}`,
            )
          ).map((r) => r.senderKey)
        : [];
    const pending = await tx
      .select()
      .from(inboundEvents)
      .where(
        and(
          inArray(inboundEvents.provider, providers),
          isNull(inboundEvents.processedAt),
          own.senderKey
            ? or(and(eq(inboundEvents.senderKey, own.senderKey), lte(inboundEvents.seq, own.seq)), others.length ? inArray(inboundEvents.senderKey, others) : undefined)
            : eq(inboundEvents.id, eventId),
        ),
      )
      .orderBy(asc(inboundEvents.seq));
    const results: R[] = [];
    const handled: InboundEvent[] = [];
    /** Senders whose event failed and will be tried again: their later events wait. */
    const halted = new Set<string>();
    // An event that failed before is likely to fail again: then a savepoint each from the start.
    const inSavepoints = savepoints || pending.some((e) => e.attempts > 0);
    if (pending.length && opts.beforeHandling) await opts.beforeHandling(tx, pending, { savepoints: inSavepoints });
    for (const event of pending) {
      const sender = event.senderKey ?? event.id;
      if (halted.has(sender)) continue;
      try {
        results.push(inSavepoints ? await tx.transaction((sp) => handle(sp, event, { savepoints: true })) : await handle(tx, event, { savepoints: false }));
        handled.push(event);
      } catch (err) {
        if (!inSavepoints) throw new EventFailedWithoutSavepoint((err as Error).message, { cause: err });
        const giveUp = event.attempts + 1 >= MAX_EVENT_ATTEMPTS;
        await tx
          .update(inboundEvents)
          .set({ attempts: sql`${inboundEvents.attempts} + 1`, lastError: (err as Error).message.slice(0, 500), processedAt: giveUp ? now : null })
          .where(eq(inboundEvents.id, event.id));
        deps.logger.error({ inboundEventId: event.id, provider: event.provider, attempts: event.attempts + 1, gaveUp: giveUp, err: (err as Error).message }, `${PROVIDER_NAME[event.provider]} event failed`);
        if (!giveUp) {
          halted.add(sender);
          if (sender === (own.senderKey ?? eventId)) failed = err as Error;
        }
      }
    }
    // The batch's writes and the events marked processed go out together (pipelined on the
    // transaction's connection; none reads what another writes): a red answer's run waits once
    // for them, not once each, before its commit puts the alert on the consoles.
    const [written, marked] = await Promise.allSettled([
      !inSavepoints && opts.beforeCommit ? opts.beforeCommit(tx, results) : null,
      handled.length
        ? tx
            .update(inboundEvents)
            .set({ processedAt: now, attempts: sql`${inboundEvents.attempts} + 1`, lastError: null })
            .where(inArray(inboundEvents.id, handled.map((e) => e.id)))
        : null,
    ]);
    // A batch write that fails is found out event by event: the run again with savepoints, where each handler writes its own.
    if (written.status === 'rejected') throw new EventFailedWithoutSavepoint((written.reason as Error).message, { cause: written.reason });
    if (marked.status === 'rejected') throw marked.reason;
    for (const event of handled) observeAnswer(event.provider, event.receivedAt, now);
    return { results, handledIds: handled.map((e) => e.id), own: { senderKey: own.senderKey, seq: own.seq }, senders: own.senderKey ? [own.senderKey, ...others] : [], failed };
  });
}
