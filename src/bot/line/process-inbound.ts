import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client';
import { inboundEvents } from '../../../db/schema';
import type { Deps } from '../../deps';
import { lineApiFor } from './limited-api';
import { handleLineEvent, type LineEvent } from './handle-event';
import { deliverOutbound, queueOutbound, REPLY_TOKEN_FRESH_MS } from './outbox';
import { observeAnswer } from '../../platform/metrics/record';

/** An event that keeps failing is given up after this many runs, so it cannot block the sender's later events. */
export const MAX_EVENT_ATTEMPTS = 5;

const EVENT_KEY_PREFIX = 'line:event:';
export const eventRetryKey = (eventId: string) => `${EVENT_KEY_PREFIX}${eventId}`;
/** The claimant (and owner) name of the inbound job of one event: its rows are its own to send. */
export const eventOwner = (eventId: string) => `event:${eventId}`;

/**
 * The inbound job: under a transaction-scoped advisory lock on the sender, handle every
 * still-unprocessed event of that sender up to this one, in order; each event's effects
 * (observations, alerts, links) and its processed_at commit together, each in a savepoint
 * so one broken event does not undo the others. Replies are recorded in the same
 * transaction and sent after commit, owned by this job: another job of the same sender
 * leaves them alone (so nothing is sent twice), a run of this job again after a crash or a
 * 429 sends what is left. A second run finds nothing left to do.
 */
export async function processLineInbound(deps: Deps, eventId: string): Promise<{ processed: number }> {
  const now = deps.now();
  let failed: Error | null = null;
  const { own, processed } = await deps.db.transaction(async (tx) => {
    const [own] = await tx.select({ seq: inboundEvents.seq, senderKey: inboundEvents.senderKey }).from(inboundEvents).where(eq(inboundEvents.id, eventId));
    if (!own) return { own: null, processed: 0 };
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
    let done = 0;
    for (const ev of events) {
      const event = ev.payload as LineEvent;
      try {
        await tx.transaction(async (sp) => {
          // The answer counts when it was given (stored by the webhook), not when a worker got
          // to it: an answer at 23:59 processed after midnight, or after a Redis outage, still
          // belongs to the session it answers.
          const reply = await handleLineEvent({ tx: sp, now: ev.receivedAt, env: deps.env, userId: event.source?.userId ?? '' }, event);
          await sp.update(inboundEvents).set({ processedAt: now, attempts: sql`${inboundEvents.attempts} + 1`, lastError: null }).where(eq(inboundEvents.id, ev.id));
          observeAnswer('line', ev.receivedAt, now);
          if (!reply || reply.messages.length === 0 || !event.source?.userId) return;
          const fresh = event.replyToken && !event.deliveryContext?.isRedelivery && event.timestamp;
          await queueOutbound(
            sp,
            {
              retryKey: eventRetryKey(ev.id),
              kind: reply.kind,
              personId: reply.personId,
              sessionId: reply.sessionId,
              body: {
                to: event.source.userId,
                messages: reply.messages,
                replyToken: fresh ? event.replyToken : null,
                replyBy: fresh ? new Date(event.timestamp! + REPLY_TOKEN_FRESH_MS).toISOString() : null,
                owner: eventOwner(eventId),
              },
            },
            now,
          );
        });
        done++;
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
    return { own, processed: done };
  });
  const toSend = own?.senderKey ? await unsentOfSender(deps, own.senderKey, own.seq) : [];
  if (toSend.length) {
    const delivery = await deliverOutbound(deps, lineApiFor(deps), toSend, eventOwner(eventId));
    if (delivery.transient) throw delivery.transient;
  }
  if (failed) throw failed;
  return { processed };
}

/**
 * The sender's replies not sent yet, up to this event, in event order: what this run just
 * recorded, and what an earlier run of it could not send (a retry after 429/5xx or a crash).
 * Rows other jobs own are in the list too; the claim leaves them to their owner.
 */
/** How far back a run looks for its own unsent replies; older ones are the outbound sweep's. */
const RECENT_EVENTS = 50;

async function unsentOfSender(deps: Pick<Deps, 'db'>, senderKey: string, seq: number): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    deps.db,
    sql`select o.id
        from (select id, seq from inbound_events where sender_key = ${senderKey} and seq <= ${seq} and provider = 'line' order by seq desc limit ${RECENT_EVENTS}) e
        join outbound_messages o on o.retry_key = ${EVENT_KEY_PREFIX} || e.id::text
        where o.status in ('queued', 'sending')
        order by e.seq`,
  );
  return rows.map((r) => r.id);
}
