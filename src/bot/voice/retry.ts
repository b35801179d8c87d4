import { callsOnDay } from '../../domain/rounds/day-calls';
import { raiseNonResponder } from '../../domain/rounds/raise-non-responder';
import { systemActor, withTransaction, type Ctx } from '../../domain/context';
import type { Deps } from '../../deps';
import { PermanentSendError } from '../twilio/client';
import { deliverCall, type OutboundRow } from '../twilio/outbound';
import { markChannelUnreachable, optOutChannel } from '../../domain/channels/channel-state';
import { inQuietHours, quietHoursEnd } from '../twilio/quiet-hours';
import { isSessionOpen, lockSession, setNextAction } from '../../domain/checks/session';
import { prepareCall, type SessionRow } from '../../domain/channels/place-call';

export type RetryResult = 'closed' | 'called' | 'deferred' | 'gave_up';

/** The person has had CALL_MAX_ATTEMPTS automated calls on the session's local date (see day-calls.ts). */
export async function dayCallsSpent(deps: Deps, ctx: Ctx, session: SessionRow): Promise<boolean> {
  return (await callsOnDay(ctx.tx, session.personId, session.localDate)) >= deps.env.CALL_MAX_ATTEMPTS;
}

/**
 * After a prompt SMS, a reminder SMS or a call did not reach the person (status callback):
 * the scheduler tick looks at the session again CALL_RETRY_MINUTES later (moved to the end
 * of quiet hours when it would fall inside) and takes the next step of the chain
 * (claimDueActions: the SMS is sent again, or the person called again, or called instead).
 * After the day's last allowed call, or when no time is left in the round, the
 * non-responder alert is raised at once.
 */
export async function scheduleAfterFailedAttempt(deps: Deps, ctx: Ctx, sessionId: string, what: 'sms' | 'call'): Promise<void> {
  const session = await lockSession(ctx, sessionId);
  if (!session || !isSessionOpen(session, ctx.now)) return;
  if (what === 'call' && (await dayCallsSpent(deps, ctx, session))) return giveUp(ctx, session);
  let next = new Date(ctx.now.getTime() + deps.env.CALL_RETRY_MINUTES * 60_000);
  if (inQuietHours(next, session.timeZone, session.quietHours ?? deps.env.QUIET_HOURS)) next = quietHoursEnd(next, session.timeZone, session.quietHours ?? deps.env.QUIET_HOURS);
  if (next >= session.expiresAt) return giveUp(ctx, session);
  await setNextAction(ctx, session.id, next);
}

/** The non-responder alert, by the same rule as the rest of the reminder chain (raiseNonResponder). */
async function giveUp(ctx: Ctx, session: SessionRow): Promise<void> {
  await raiseNonResponder({ ctx, input: { sessionId: session.id } });
}

type Plan = { kind: 'closed' | 'deferred' | 'gave_up' } | { kind: 'called'; row: OutboundRow; to: string };

/**
 * The reminder chain's next call to a person already called in this session (the tick's
 * 'call' step, attempt > 1, after a call that did not get through): placed if the person
 * has had fewer than CALL_MAX_ATTEMPTS calls today and it is not quiet hours (then
 * next_action_at moves to their end); otherwise the non-responder alert is raised (dedupe
 * key `non_responder:<session>`).
 * @example await retryCallOrGiveUp(deps, sessionId) // 'called'
 */
export async function retryCallOrGiveUp(deps: Deps, sessionId: string): Promise<RetryResult> {
  const plan = await withTransaction<Plan>(deps.db, { actor: systemActor('twilio-retry'), now: deps.now() }, async (ctx) => {
    const session = await lockSession(ctx, sessionId);
    if (!session || !isSessionOpen(session, ctx.now)) return { kind: 'closed' };
    if (await dayCallsSpent(deps, ctx, session)) return giveUp(ctx, session).then(() => ({ kind: 'gave_up' }) as const);
    if (inQuietHours(ctx.now, session.timeZone, session.quietHours ?? deps.env.QUIET_HOURS)) {
      const resume = quietHoursEnd(ctx.now, session.timeZone, session.quietHours ?? deps.env.QUIET_HOURS);
      if (resume >= session.expiresAt) return giveUp(ctx, session).then(() => ({ kind: 'gave_up' }) as const);
      await setNextAction(ctx, session.id, resume);
      return { kind: 'deferred' };
    }
    const call = await prepareCall(deps, ctx, session);
    if (!call) return giveUp(ctx, session).then(() => ({ kind: 'gave_up' }) as const);
    return { kind: 'called', ...call };
  });
  if (plan.kind === 'called') await sendOrRecord(deps, plan.row, () => deliverCall(deps, plan.row, plan.to, sessionId), 'voice');
  return plan.kind;
}

/** Deliver; a permanent failure marks the channel unreachable (channel_lost alert), a transient one propagates. */
export async function sendOrRecord(deps: Deps, row: OutboundRow, send: () => Promise<void>, kind: 'sms' | 'voice'): Promise<void> {
  try {
    await send();
  } catch (err) {
    // Missing settings say nothing about the person's number: fail the job, mark nothing.
    if (!(err instanceof PermanentSendError) || err.code === 'not_configured' || !row.personId) throw err;
    const personId = row.personId;
    await withTransaction(deps.db, { actor: systemActor('twilio'), now: deps.now() }, async (ctx) => {
      if (err.optedOut) await optOutChannel(ctx, personId, 'sms');
      else await markChannelUnreachable(ctx, personId, kind, err.code);
    });
  }
}
