import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import type { ChannelKind } from '../../db/schema';
import type { Deps } from '../deps';
import { markPrompted, markReminded, sessionsStillToSend, type PromptKind } from '../domain/rounds/record-dispatch';
import { defineJob, type JobDefinition } from './define';
import type { CheckedDispatcher, RecheckingDispatcher, SendOptions, SendResult } from './channel-work';

const MINUTE = 60_000;

/** A dispatch job: the check sessions of one send (ids only; ≤ 500 for a LINE multicast, else 1). */
export const dispatchPayload = z.object({
  sessionIds: z.array(z.uuid()).min(1).max(500),
  kind: z.enum(['prompt', 'reminder']),
});
export type DispatchPayload = z.infer<typeof dispatchPayload>;

/**
 * Send a round's first prompt (or a reminder) for these sessions through the channel's
 * dispatcher, then start the next clock of the chain. What the job was given is re-checked
 * first (sessionsStillToSend, or by a dispatcher that `rechecks` as it loads its rows):
 * nobody who left monitoring, answered, or whose round is over gets a message. Transient send errors throw (BullMQ retries with exponential backoff);
 * permanent ones are recorded by the dispatcher (failed message, channel_lost alert).
 */
export async function runDispatch(deps: Deps, channel: ChannelKind, sessionIds: readonly string[], kind: PromptKind, opts: { firstAttempt?: boolean } = {}): Promise<{ sent: number }> {
  const dispatcher = deps.channels.dispatchers[channel];
  if (!dispatcher) throw new UnrecoverableError(`no dispatcher is registered for channel ${channel}`);
  const { ids, result } = dispatcher.rechecks ? await recheckedSend(deps, dispatcher, sessionIds, kind, opts) : await checkedSend(deps, dispatcher, sessionIds, kind, opts);
  if (ids.length === 0) return { sent: 0 };
  const reminderAfterMs = deps.env.REMINDER_AFTER_MINUTES * MINUTE;
  // The clock of the chain starts when the message left, not when the round was due.
  // (A LINE multicast's sessions are marked by the tick, from its sent_at: only the rest here.)
  const done = new Set(result?.markedLater ?? []);
  const rest = done.size ? ids.filter((id) => !done.has(id)) : ids;
  const sentAt = deps.now();
  if (kind === 'prompt') await markPrompted(deps.db, rest, sentAt, reminderAfterMs);
  else await markReminded(deps.db, ids, sentAt, deps.env.CALL_AFTER_REMINDER_MINUTES * MINUTE);
  deps.logger.debug({ channel, kind, sessions: ids.length }, 'dispatched');
  return { sent: ids.length };
}

type Sent = { ids: readonly string[]; result: void | SendResult };

/** Re-checked by the job first; nothing sent when none is still to send. */
async function checkedSend(deps: Deps, dispatcher: CheckedDispatcher, sessionIds: readonly string[], kind: PromptKind, opts: SendOptions): Promise<Sent> {
  const ids = await sessionsStillToSend(deps.db, sessionIds, kind, deps.now());
  return ids.length === 0 ? { ids, result: undefined } : { ids, result: await dispatcher.sendPrompts(deps, ids, kind, opts) };
}

/** Re-checked by the dispatcher as it loads the batch: it says which were still to send. */
async function recheckedSend(deps: Deps, dispatcher: RecheckingDispatcher, sessionIds: readonly string[], kind: PromptKind, opts: SendOptions): Promise<Sent> {
  const result = await dispatcher.sendPrompts(deps, [...sessionIds], kind, opts);
  return { ids: result.stillToSend, result };
}

function dispatchJob(channel: ChannelKind): JobDefinition<typeof dispatchPayload> {
  return defineJob({
    name: `dispatch.${channel}`,
    queue: `dispatch-${channel}`,
    version: 1,
    payload: dispatchPayload,
    // A stalled job run again is not a first attempt; one that only went back for the answers is (isFirstAttempt).
    handler: ({ sessionIds, kind }, deps, _job, attempt) => runDispatch(deps, channel, sessionIds, kind, { firstAttempt: attempt?.first ?? false }),
  });
}

/** One job kind per channel, each on its own rate-limited queue (see queue-settings.ts). */
export const DISPATCH_JOBS: Record<ChannelKind, JobDefinition<typeof dispatchPayload>> = {
  line: dispatchJob('line'),
  sms: dispatchJob('sms'),
  voice: dispatchJob('voice'),
  web: dispatchJob('web'),
};
