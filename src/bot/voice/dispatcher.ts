import type { ChannelDispatcher, PromptKind } from '../dispatch';
import { systemActor, withTransaction } from '../../domain/context';
import { deferSession } from '../../domain/rounds/record-dispatch';
import type { Deps } from '../../deps';
import { deliverCall } from '../twilio/outbound';
import { quietHoursDeferral } from '../twilio/quiet-hours';
import { isSessionOpen, lockSession } from '../../domain/checks/session';
import { prepareCall } from '../../domain/channels/place-call';
import { dayCallsSpent, sendOrRecord } from './retry';
import { contactReporterOf, rideAlongUnlessFirst } from '../../domain/households/household-contact-session';

/**
 * The voice dispatcher: places the call; the engine starts when the person picks up (the
 * voice webhook begins the session), so the greeting is heard, not lost. Quiet hours are
 * checked again here (the jobs check them too): inside them it throws TransientSendError
 * with retryAfterMs to their end. A retried job never calls twice: the first prompt is
 * call attempt 1; a reminder is the next call (an unanswered call is tried again this
 * way, CALL_RETRY_MINUTES later), at most CALL_MAX_ATTEMPTS calls a person a local day.
 */
export const voiceDispatcher: ChannelDispatcher = {
  channel: 'voice',
  batchSize: 1,
  async sendPrompts(deps: Deps, sessionIds: string[], kind: PromptKind): Promise<void> {
    for (const sessionId of sessionIds) {
      const plan = await withTransaction(deps.db, { actor: systemActor('dispatch'), now: deps.now() }, async (ctx) => {
        const session = await lockSession(ctx, sessionId);
        if (!session || !isSessionOpen(session, ctx.now)) return null;
        const deferred = quietHoursDeferral(ctx.now, session.timeZone, session.quietHours ?? deps.env.QUIET_HOURS, 'calls');
        if (deferred) return { deferred };
        // The round's own call is always placed (it is that round's check); a reminder call
        // only while the person has calls left today.
        if (kind === 'reminder' && (await dayCallsSpent(deps, ctx, session))) return null;
        // A contact's household (not a person, on voice): one call at her number, carried by the first
        // open member's check; the others ride along (asked in the same call, household-contact-session.ts).
        const contact = kind === 'prompt' ? await contactReporterOf(ctx.tx, session.personId) : null;
        if (contact?.channel === 'voice' && (await rideAlongUnlessFirst(ctx, contact, session.id))) return null;
        // A retried prompt job (429/5xx from Twilio) places the call it recorded and left queued;
        // it never starts a new attempt, which is retryCallOrGiveUp's to make.
        return prepareCall(deps, ctx, session, { newAttempt: !(kind === 'prompt' && session.callAttempts > 0) });
      });
      if (!plan) continue;
      if ('deferred' in plan) {
        await deferSession(deps.db, sessionId, plan.deferred.until, deps.now());
        throw plan.deferred;
      }
      await sendOrRecord(deps, plan.row, () => deliverCall(deps, plan.row, plan.to, sessionId), 'voice');
    }
  },
};
