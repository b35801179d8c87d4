import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import { inboundEvents, outboundMessages } from '../../../db/schema';
import type { Deps } from '../../deps';
import { lineApiFor } from './limited-api';
import { handleLineEvent, type LineEvent } from './handle-event';
import { deliverOutbound, queueOutbound, REPLY_TOKEN_FRESH_MS } from './outbox';

/** An event that keeps failing is given up after this many runs, so it cannot block the sender's later events. */
export const MAX_EVENT_ATTEMPTS = 5;

export const eventRetryKey = (eventId: string) => `line:event:${eventId}`;

/**
 * The inbound job: under a transaction-scoped advisory lock on the sender, handle every
 * still-unprocessed event of that sender up to this one, in order; each event's effects
 * (observations, alerts, links) and its processed_at commit together, each in a savepoint
 * so one broken event does not undo the others. Replies are recorded in the same
 * transaction and sent after commit. A second run finds nothing left to do.
 */
export async function processLineInbound(deps: Deps, eventId: string): Promise<{ processed: number }> {
  const now = deps.now();
  let failed: Error | null = null;
  const { queued, processed } = await deps.db.transaction(async (tx) => {
    const [own] = await tx.select({ seq: inboundEvents.seq, senderKey: inboundEvents.senderKey }).from(inboundEvents).where(eq(inboundEvents.id, eventId));
    if (!own) return { queued: [] as string[], processed: 0 };
    if (own.senderKey) await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${own.senderKey}))`);
    const events = await tx
      .select()
      .from(inboundEvents)
      .where(
        and(
          eq(inboundEvents.provider, 'line'),
          isNull(inboundEvents.processedAt),
          own.senderKey ? and(eq(inboundEvents.senderKey, own.senderKey), lte(inboundEvents.seq, own.seq)) : eq(inboundEvents.id, eventId),
        ),
      )
      .orderBy(asc(inboundEvents.seq));
    const ids: string[] = [];
    let done = 0;
    for (const ev of events) {
      const event = ev.payload as LineEvent;
      try {
        const outId = await tx.transaction(async (sp) => {
          // The answer counts when it was given (stored by the webhook), not when a worker got
          // to it: an answer at 23:59 processed after midnight, or after a Redis outage, still
          // belongs to the session it answers.
          const reply = await handleLineEvent({ tx: sp, now: ev.receivedAt, env: deps.env, userId: event.source?.userId ?? '' }, event);
          await sp.update(inboundEvents).set({ processedAt: now, attempts: sql`${inboundEvents.attempts} + 1`, lastError: null }).where(eq(inboundEvents.id, ev.id));
          if (!reply || reply.messages.length === 0 || !event.source?.userId) return null;
          const fresh = event.replyToken && !event.deliveryContext?.isRedelivery && event.timestamp;
          return queueOutbound(
            sp,
            {
              retryKey: eventRetryKey(ev.id),
              kind: reply.kind,
              personId: reply.personId,
              sessionId: reply.sessionId,
              body: { to: event.source.userId, messages: reply.messages, replyToken: fresh ? event.replyToken : null, replyBy: fresh ? new Date(event.timestamp! + REPLY_TOKEN_FRESH_MS).toISOString() : null },
            },
            now,
          );
        });
        done++;
        if (outId) ids.push(outId);
      } catch (err) {
        const giveUp = ev.attempts + 1 >= MAX_EVENT_ATTEMPTS;
        await tx
          .update(inboundEvents)
          .set({ attempts: sql`${inboundEvents.attempts} + 1`, lastError: (err as Error).message.slice(0, 500), processedAt: giveUp ? now : null })
          .where(eq(inboundEvents.id, ev.id));
        deps.logger.error({ inboundEventId: ev.id, attempts: ev.attempts + 1, gaveUp: giveUp, err: (err as Error).message }, 'LINE event failed');
        if (!giveUp) {
          // Keep the sender's order: later events wait for this one's retry.
          failed = err as Error;
          break;
        }
      }
    }
    return { queued: ids, processed: done };
  });
  // Also what an earlier run of this job recorded but could not send (a retry after 429/5xx).
  const pending = await deps.db
    .select({ id: outboundMessages.id })
    .from(outboundMessages)
    .where(and(eq(outboundMessages.retryKey, eventRetryKey(eventId)), eq(outboundMessages.status, 'queued')));
  const toSend = [...new Set([...queued, ...pending.map((p) => p.id)])];
  if (toSend.length) {
    const delivery = await deliverOutbound(deps, lineApiFor(deps), toSend);
    if (delivery.transient) throw delivery.transient;
  }
  if (failed) throw failed;
  return { processed };
}
