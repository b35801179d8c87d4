import { inboundEventById } from '../../domain/inbox/process-in-order';
import { queuedWithPrefix } from '../../domain/outbox/outbound-messages';
import type { Deps } from '../../deps';
import { handleInboundSms, type SmsFollowUp } from '../sms/handle-message';
import { systemActor, withTransaction } from '../../domain/context';
import { PermanentSendError, twilioClient } from './client';
import { twilioSettings } from './config';
import { processInOrder } from '../../domain/inbox/process-in-order';
import { deliverSms } from './outbound';
import { optOutChannel } from '../../domain/channels/channel-state';
import { handleStatusEvent } from './status';

/**
 * The inbound job for Twilio SMS and status events. One sender's events are handled in
 * order by the one inbox processor (processInOrder: effects and processed_at together in a
 * savepoint per event, give-up after MAX_EVENT_ATTEMPTS, as for LINE); replies are
 * delivered after commit. The run takes other senders' unprocessed events too (up to
 * INBOUND_BATCH_SIZE senders, one transaction) and delivers their replies as well. A
 * retried job finds its event processed and only delivers what is still queued, so nobody
 * gets a reply twice.
 */
export async function processTwilioInbox(deps: Deps, eventId: string): Promise<void> {
  const run = await processInOrder<SmsFollowUp & { to?: string; eventId: string }>(deps, eventId, ['twilio_sms', 'twilio_status'], deps.now(), async (tx, event) => {
    if (event.provider === 'twilio_sms') return { ...(await handleInboundSms(deps, tx, event)), to: (event.payload as Record<string, string>).From, eventId: event.id };
    await handleStatusEvent(deps, tx, event);
    return { eventId: event.id };
  }, { batchSize: deps.env.INBOUND_BATCH_SIZE });
  const followUps = run.results;
  const settings = twilioSettings(deps.env);
  for (const f of followUps) {
    if (f.unregisteredReply && f.to && settings) {
      // Best effort and unrecorded: nothing is kept about an unregistered number.
      await twilioClient(settings)
        .messages.create({ to: f.to, from: settings.fromNumber, body: f.unregisteredReply })
        .catch((err: { code?: unknown }) => deps.logger.warn({ eventId, code: err.code ?? 'network' }, 'reply to an unregistered number failed'));
    }
  }
  // Replies in the order of the messages they answer (earlier events handled in this batch first).
  const ids = [...new Set([...followUps.map((f) => f.eventId), eventId])];
  for (const id of ids) await deliverQueuedReplies(deps, id);
  if (run.failed) throw run.failed; // the failed event and the sender's later ones are tried again
}

/** Send this event's recorded replies that are still queued, in order. */
async function deliverQueuedReplies(deps: Deps, eventId: string): Promise<void> {
  const event = await inboundEventById(deps.db, eventId);
  if (!event || event.provider !== 'twilio_sms') return;
  const to = (event.payload as Record<string, string>).From;
  if (!to) return;
  const rows = await queuedWithPrefix(deps.db, `sms:reply:${eventId}:`);
  for (const row of rows) {
    try {
      await deliverSms(deps, row, to);
    } catch (err) {
      if (!(err instanceof PermanentSendError)) throw err; // transient: the job retries
      if (err.optedOut && row.personId) {
        const personId = row.personId;
        await withTransaction(deps.db, { actor: systemActor('twilio'), now: deps.now() }, (ctx) => optOutChannel(ctx, personId, 'sms'));
      }
    }
  }
}
