import type { Deps } from '../../deps';
import { inboundJobId, lineInboundTarget } from '../../jobs/inbound-jobs';
import { processInOrder } from '../../domain/inbox/process-in-order';
import { readAheadLine, type LineReadAhead } from '../../domain/checks/answer-read-ahead';
import { inboundEventAndUnsentReplies, recordClaimedLineOutbound, unsentRepliesOfSender, type NewLineOutbound, type OutboundRow } from '../../domain/outbox/outbound-messages';
import type { Tx } from '../../domain/inbox/process-in-order';
import type { TypedRedHint } from '../../flows';
import { lineApiFor } from './limited-api';
import { handleLineEvent, type LineEvent } from './handle-event';
import { deliverOutbound, LINE_LEASE, queueOutbound, REPLY_TOKEN_FRESH_MS, type OutboundBody } from './outbox';

export { MAX_EVENT_ATTEMPTS } from '../../domain/inbox/process-in-order';

const EVENT_KEY_PREFIX = 'line:event:';
export const eventRetryKey = (eventId: string) => `${EVENT_KEY_PREFIX}${eventId}`;
/** The claimant (and owner) name of the inbound job of one event: its rows are its own to send. */
export const eventOwner = (eventId: string) => `event:${eventId}`;

/** What the run returns for each handled event: its sender and the reply recorded for it (null: none). */
interface HandledLineEvent {
  senderKey: string | null;
  outboxId: string | null;
}

/** A reply a run records with the others before it commits (owned, hence claimed, by the run). */
type DeferredReply = NewLineOutbound & { body: OutboundBody & { owner: string } };

/**
 * How far back a run looks for its own unsent replies; older ones are the outbound sweep's.
 * Every job whose event another batch handled pays this look-back, one outbox probe an
 * event: the inbox keeps weeks of a sender's events, so 50 meant 50 probes a job from day 7
 * of a follow-up; a patient is rarely more than a few messages ahead of a failed reply.
 */
const RECENT_EVENTS = 10;

/**
 * The inbound job for LINE. Its event may have been handled already by another job's batch
 * (the one inbox processor takes up to INBOUND_BATCH_SIZE senders a run): then one
 * statement says so, and the job only sends the sender's replies still unsent (a run again
 * after a crash or a 429). Otherwise the sender's events are handled in order, with the
 * unprocessed events of other senders whose lock is free, in one transaction
 * (processInOrder: savepoint per event, give-up after MAX_EVENT_ATTEMPTS). Replies are
 * recorded in that transaction, owned by this job (another job leaves them alone, so
 * nothing is sent twice), and sent as soon as it commits — each recipient's in order, the
 * recipients side by side, so one reply does not wait for the others.
 */
export async function processLineInbound(deps: Deps, eventId: string, opts: { batchSize?: number } = {}): Promise<{ processed: number; handledEventIds: string[] }> {
  const now = deps.now();
  // Only rows this job may claim: a reply another job (the batch that took this event) is
  // sending is left to it, without a look-up and a claim that would find it taken.
  const claimableBy = { claimant: eventOwner(eventId), now, lease: LINE_LEASE };
  const state = await inboundEventAndUnsentReplies(deps.db, { eventId, provider: 'line', retryKeyPrefix: EVENT_KEY_PREFIX, recent: RECENT_EVENTS, claimableBy });
  if (!state) return { processed: 0, handledEventIds: [] };
  if (state.processed) {
    await send(deps, state.unsent, eventId);
    return { processed: 0, handledEventIds: [] };
  }
  let readAhead: LineReadAhead | null = null;
  // Replies of a run without savepoints, recorded together before it commits (one
  // statement), claimed by this run already: sent right after the commit without a claim.
  const deferred: { result: HandledLineEvent; item: DeferredReply }[] = [];
  // Each sender's typed-red hint after this run (its last reply's), kept once the run commits.
  const hints = new Map<string, TypedRedHint | null>();
  const claimed: OutboundRow[] = [];
  const recordDeferred = async (tx: Tx) => {
    // The answers' observations and states, and the replies: independent writes, sent
    // together on the transaction's connection (pipelined: one wait, not two, before the commit).
    const items = deferred.map((d) => d.item);
    const [, rows] = await Promise.all([readAhead?.write(tx), items.length ? recordClaimedLineOutbound(tx, items, now) : null]);
    if (!rows) return;
    const byKey = new Map(rows.map((r) => [r.retryKey, r]));
    for (const d of deferred) d.result.outboxId = byKey.get(d.item.retryKey)?.id ?? null;
    claimed.push(...rows);
    deferred.length = 0;
  };
  const run = await processInOrder<HandledLineEvent>(
    deps,
    eventId,
    ['line'],
    now,
    async (sp, ev, { savepoints }) => {
      const event = ev.payload as LineEvent;
      const userId = event.source?.userId ?? '';
      // The sender's first event of the batch finds its link and open sessions read already.
      const read = readAhead?.take(userId);
      // Anything else may read the replies recorded so far (the waiting question shown again): record them first.
      if (!read?.ahead) await recordDeferred(sp);
      // The answer counts when it was given (stored by the webhook), not when a worker got
      // to it: an answer at 23:59 processed after midnight, or after a Redis outage, still
      // belongs to the session it answers.
      const reply = await handleLineEvent({ tx: sp, now: ev.receivedAt, env: deps.env, userId, ...(read ? { link: read.link, ahead: read.ahead } : {}) }, event);
      const result: HandledLineEvent = { senderKey: ev.senderKey, outboxId: null };
      if (reply?.redHint !== undefined && ev.senderKey) hints.set(ev.senderKey, reply.redHint);
      if (!reply || reply.messages.length === 0 || !event.source?.userId) return result;
      const fresh = event.replyToken && !event.deliveryContext?.isRedelivery && event.timestamp;
      const item: DeferredReply = {
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
      };
      if (savepoints) result.outboxId = await queueOutbound(sp, item, now);
      else deferred.push({ result, item });
      return result;
    },
    {
      batchSize: opts.batchSize ?? deps.env.INBOUND_BATCH_SIZE,
      own: { senderKey: state.senderKey, seq: state.seq },
      // Read ahead and write together only in a run without savepoints; a run again with
      // savepoints (after an event failed) reads and writes event by event.
      beforeHandling: async (tx, events, { savepoints }) => {
        deferred.length = 0;
        claimed.length = 0;
        hints.clear();
        readAhead = savepoints ? null : await readAheadLine(tx, events.map((e) => ({ userId: (e.payload as LineEvent).source?.userId ?? '', at: e.receivedAt })));
      },
      beforeCommit: recordDeferred,
    },
  );
  // The own sender's replies not sent yet, up to this event, in event order: what this run
  // just recorded, and what an earlier run of it could not send (a retry after 429/5xx or a
  // crash); rows another job is sending are left out (claimableBy), they are its own.
  // Other senders' replies: the rows this run just recorded (theirs from earlier runs are
  // their own jobs' or, after the lease, the outbound sweep's).
  const senderKey = run.own?.senderKey;
  const ownUnsent = senderKey ? await unsentRepliesOfSender(deps.db, { provider: 'line', senderKey, seq: run.own!.seq, retryKeyPrefix: EVENT_KEY_PREFIX, recent: RECENT_EVENTS, claimableBy }) : [];
  const others = run.results.filter((r) => r.outboxId && r.senderKey !== senderKey).map((r) => r.outboxId!);
  // The hints beside the sends, not before them (one Redis round trip less on a red answer's
  // path): a patient's next answer comes seconds after the question reaches their phone.
  await Promise.all([deps.jobs.typedRedHints.remember(hints), send(deps, [...ownUnsent, ...others], eventId, claimed)]);
  // The jobs of the other events this run handled have nothing left to do (their replies are
  // this run's to send, or the sweep's after the lease): out of the queue before a worker takes them.
  const handledEventIds = run.handledIds.filter((id) => id !== eventId);
  await deps.jobs.discardWaiting(lineInboundTarget.queue, handledEventIds.map(inboundJobId));
  if (run.failed) throw run.failed;
  return { processed: run.results.length, handledEventIds };
}

async function send(deps: Deps, ids: string[], eventId: string, claimed: readonly OutboundRow[] = []): Promise<void> {
  if (!ids.length) return;
  const delivery = await deliverOutbound(deps, lineApiFor(deps), ids, eventOwner(eventId), claimed);
  if (delivery.transient) throw delivery.transient;
}
