import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import type { Deps } from '../deps';
import { systemActor, withTransaction } from '../domain/context';
import { raiseNonResponder } from '../domain/rounds/raise-non-responder';
import { markCalled, sessionsStillToSend } from '../domain/rounds/record-dispatch';
import { defineJob } from './define';

const MINUTE = 60_000;

/**
 * The automated call of the reminder chain, for a person who did not answer on LINE, SMS
 * or the web after a reminder (a voice session's own prompt and reminder are calls already).
 * The voice dispatcher calls the person's voice number and runs the same check by keypad
 * or speech. Rate-limited with the other calls on the dispatch-voice queue.
 */
export const followUpCallJob = defineJob({
  name: 'rounds.call',
  queue: 'dispatch-voice',
  version: 1,
  payload: z.object({ sessionId: z.uuid(), attempt: z.number().int().min(1) }),
  jobId: ({ sessionId, attempt }) => `call:${sessionId}:${attempt}`,
  handler: async ({ sessionId, attempt }, deps: Deps) => {
    const voice = deps.channels.dispatchers.voice;
    if (!voice) throw new UnrecoverableError('no dispatcher is registered for channel voice');
    const [id] = await sessionsStillToSend(deps.db, [sessionId], 'reminder', deps.now());
    if (!id) return { called: false };
    // A session already called once is retried (or given up) by the voice channel's own rules.
    if (attempt > 1) return { called: (await deps.channels.retryCallOrGiveUp(deps, id)) === 'called' };
    await voice.sendPrompts(deps, [id], 'reminder');
    await markCalled(deps.db, id, attempt, deps.now(), deps.env.NON_RESPONDER_AFTER_CALL_MINUTES * MINUTE);
    return { called: true };
  },
});

/** The end of the chain: a non-responder alert for the session (see raiseNonResponder). */
export const nonResponderJob = defineJob({
  name: 'rounds.non-responder',
  queue: 'rounds',
  version: 1,
  payload: z.object({ sessionId: z.uuid() }),
  jobId: ({ sessionId }) => `non-responder:${sessionId}`,
  handler: async ({ sessionId }, deps: Deps) =>
    withTransaction(deps.db, { actor: systemActor('rounds.non-responder'), now: deps.now() }, (ctx) => raiseNonResponder({ ctx, input: { sessionId } })),
});
