import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
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
  /** What the handler returned for each event it handled, oldest first. */
  results: R[];
  /** The sender of the job's own event and its place in the inbox; null when the event is unknown. */
  own: { senderKey: string | null; seq: number } | null;
  /**
   * The error of an event that will be tried again: the sender's later events wait for it
   * (order kept). The caller throws it after sending what the handled events produced, so
   * the job is retried.
   */
  failed: Error | null;
}

/**
 * The one inbox processor, for every provider (LINE events, Twilio SMS, Twilio status
 * callbacks): under a transaction-scoped advisory lock on the sender, handle every
 * still-unprocessed event of that sender (of these providers) up to and including
 * `eventId`, oldest first. Each event's effects and its processed_at commit together, in a
 * savepoint, so one broken event does not undo the others. An event whose handler throws
 * gets its attempt and error recorded; the run stops there (later events wait) unless it
 * has had MAX_EVENT_ATTEMPTS runs, when it is given up (marked processed) and the run goes
 * on. A second job for events already handled finds nothing to do.
 */
export async function processInOrder<R>(
  deps: { db: Db; logger: Logger },
  eventId: string,
  providers: InboundProvider[],
  now: Date,
  handle: (tx: Tx, event: InboundEvent) => Promise<R>,
): Promise<InOrderRun<R>> {
  let failed: Error | null = null;
  return deps.db.transaction(async (tx) => {
    const [own] = await tx.select({ seq: inboundEvents.seq, senderKey: inboundEvents.senderKey }).from(inboundEvents).where(eq(inboundEvents.id, eventId));
    if (!own) return { results: [], own: null, failed: null };
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`inbound:${own.senderKey ?? eventId}`}, 0))`);
    const pending = await tx
      .select()
      .from(inboundEvents)
      .where(
        and(
          own.senderKey ? eq(inboundEvents.senderKey, own.senderKey) : eq(inboundEvents.id, eventId),
          inArray(inboundEvents.provider, providers),
          isNull(inboundEvents.processedAt),
          lte(inboundEvents.seq, own.seq),
        ),
      )
      .orderBy(asc(inboundEvents.seq));
    const results: R[] = [];
    for (const event of pending) {
      try {
        results.push(
          await tx.transaction(async (sp) => {
            const result = await handle(sp, event);
            await sp.update(inboundEvents).set({ processedAt: now, attempts: sql`${inboundEvents.attempts} + 1`, lastError: null }).where(eq(inboundEvents.id, event.id));
            return result;
          }),
        );
        observeAnswer(event.provider, event.receivedAt, now);
      } catch (err) {
        const giveUp = event.attempts + 1 >= MAX_EVENT_ATTEMPTS;
        await tx
          .update(inboundEvents)
          .set({ attempts: sql`${inboundEvents.attempts} + 1`, lastError: (err as Error).message.slice(0, 500), processedAt: giveUp ? now : null })
          .where(eq(inboundEvents.id, event.id));
        deps.logger.error({ inboundEventId: event.id, provider: event.provider, attempts: event.attempts + 1, gaveUp: giveUp, err: (err as Error).message }, `${PROVIDER_NAME[event.provider]} event failed`);
        if (!giveUp) {
          failed = err as Error;
          break;
        }
      }
    }
    return { results, own: { senderKey: own.senderKey, seq: own.seq }, failed };
  });
}
