import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '../../../db/client';
import { inboundEvents, type InboundProvider } from '../../../db/schema';
import { observeAnswer } from '../../platform/metrics/record';

export type InboundEvent = typeof inboundEvents.$inferSelect;
export type { Tx } from '../../../db/client';

/** One stored event's provider and payload (null when unknown). */
export async function inboundEventById(db: DbOrTx, eventId: string): Promise<Pick<InboundEvent, 'provider' | 'payload'> | null> {
  const [event] = await db.select({ payload: inboundEvents.payload, provider: inboundEvents.provider }).from(inboundEvents).where(eq(inboundEvents.id, eventId));
  return event ?? null;
}

/**
 * Process one sender's events in order: lock the sender key for the transaction, then
 * handle every still-unprocessed event of that sender (of these providers) up to and
 * including `eventId`, oldest first, setting processed_at in the same transaction as
 * the effects. A second job for an event already handled finds nothing to do.
 * Returns what each handler returned (e.g. outbound rows to deliver after commit).
 */
export async function processInOrder<R>(
  db: Db,
  eventId: string,
  providers: InboundProvider[],
  now: Date,
  handle: (tx: Tx, event: InboundEvent) => Promise<R>,
): Promise<R[]> {
  return db.transaction(async (tx) => {
    const [own] = await tx.select({ seq: inboundEvents.seq, senderKey: inboundEvents.senderKey }).from(inboundEvents).where(eq(inboundEvents.id, eventId));
    if (!own) return [];
    const lockKey = own.senderKey ?? eventId;
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`inbound:${lockKey}`}, 0))`);
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
      results.push(await handle(tx, event));
      await tx.update(inboundEvents).set({ processedAt: now, attempts: sql`${inboundEvents.attempts} + 1` }).where(eq(inboundEvents.id, event.id));
      observeAnswer(event.provider, event.receivedAt, now);
    }
    return results;
  });
}
