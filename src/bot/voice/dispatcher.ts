import { TransientSendError, type ChannelDispatcher, type PromptKind } from '../dispatch';
import { systemActor, withTransaction } from '../../domain/context';
import type { Deps } from '../../deps';
import { deliverCall } from '../twilio/outbound';
import { inQuietHours, quietHoursEnd } from '../twilio/quiet-hours';
import { isOpen, lockSession, prepareCall } from './place-call';
import { sendOrRecord } from './retry';

/**
 * The voice dispatcher: places the call; the engine starts when the person picks up (the
 * voice webhook begins the session), so the greeting is heard, not lost. Quiet hours are
 * checked again here (the jobs check them too): inside them it throws TransientSendError
 * with retryAfterMs to their end. A retried job never calls twice: the first prompt is
 * call attempt 1, and a session already called is left to retryCallOrGiveUp.
 */
export const voiceDispatcher: ChannelDispatcher = {
  channel: 'voice',
  batchSize: 1,
  async sendPrompts(deps: Deps, sessionIds: string[], kind: PromptKind): Promise<void> {
    for (const sessionId of sessionIds) {
      const plan = await withTransaction(deps.db, { actor: systemActor('dispatch'), now: deps.now() }, async (ctx) => {
        const session = await lockSession(ctx, sessionId);
        if (!session || !isOpen(session, ctx.now)) return null;
        if (inQuietHours(ctx.now, session.timeZone, deps.env.QUIET_HOURS)) {
          const resume = quietHoursEnd(ctx.now, session.timeZone, deps.env.QUIET_HOURS);
          throw new TransientSendError('quiet hours: no calls until they end', resume.getTime() - ctx.now.getTime());
        }
        // A retried prompt job (429/5xx from Twilio) places the call it recorded and left queued;
        // it never starts a new attempt, which is retryCallOrGiveUp's to make.
        const newAttempt = !(kind === 'prompt' && session.callAttempts > 0) && session.callAttempts < deps.env.CALL_MAX_ATTEMPTS;
        return prepareCall(deps, ctx, session, { newAttempt });
      });
      if (!plan) continue;
      await sendOrRecord(deps, plan.row, () => deliverCall(deps, plan.row, plan.to, sessionId), 'voice');
    }
  },
};
