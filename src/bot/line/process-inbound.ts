import type { Deps } from '../../deps';
import { processInOrder } from '../../domain/inbox/process-in-order';
import { unsentRepliesOfSender } from '../../domain/outbox/outbound-messages';
import { lineApiFor } from './limited-api';
import { handleLineEvent, type LineEvent } from './handle-event';
import { deliverOutbound, queueOutbound, REPLY_TOKEN_FRESH_MS } from './outbox';

export { MAX_EVENT_ATTEMPTS } from '../../domain/inbox/process-in-order';

const EVENT_KEY_PREFIX = 'line:event:';
export const eventRetryKey = (eventId: string) => `${EVENT_KEY_PREFIX}${eventId}`;
/** The claimant (and owner) name of the inbound job of one event: its rows are its own to send. */
export const eventOwner = (eventId: string) => `event:${eventId}`;

/** How far back a run looks for its own unsent replies; older ones are the outbound sweep's. */
const RECENT_EVENTS = 50;

/**
 * The inbound job for LINE: the sender's events are handled in order by the one inbox
 * processor (processInOrder: savepoint per event, give-up after MAX_EVENT_ATTEMPTS).
 * Replies are recorded in the same transaction and sent after commit, owned by this job:
 * another job of the same sender leaves them alone (so nothing is sent twice), a run of
 * this job again after a crash or a 429 sends what is left. A second run finds nothing
 * left to do.
 */
export async function processLineInbound(deps: Deps, eventId: string): Promise<{ processed: number }> {
  const now = deps.now();
  const run = await processInOrder(deps, eventId, ['line'], now, async (sp, ev) => {
    const event = ev.payload as LineEvent;
    // The answer counts when it was given (stored by the webhook), not when a worker got
    // to it: an answer at 23:59 processed after midnight, or after a Redis outage, still
    // belongs to the session it answers.
    const reply = await handleLineEvent({ tx: sp, now: ev.receivedAt, env: deps.env, userId: event.source?.userId ?? '' }, event);
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
  // The sender's replies not sent yet, up to this event, in event order: what this run just
  // recorded, and what an earlier run of it could not send (a retry after 429/5xx or a crash).
  // Rows other jobs own are in the list too; the claim leaves them to their owner.
  const senderKey = run.own?.senderKey;
  const toSend = senderKey ? await unsentRepliesOfSender(deps.db, { provider: 'line', senderKey, seq: run.own!.seq, retryKeyPrefix: EVENT_KEY_PREFIX, recent: RECENT_EVENTS }) : [];
  if (toSend.length) {
    const delivery = await deliverOutbound(deps, lineApiFor(deps), toSend, eventOwner(eventId));
    if (delivery.transient) throw delivery.transient;
  }
  if (run.failed) throw run.failed;
  return { processed: run.results.length };
}
