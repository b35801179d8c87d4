import { and, asc, eq, like } from 'drizzle-orm';
import { checkSessions, outboundMessages, persons } from '../../../db/schema';
import { raiseNonResponder } from '../../domain/rounds/raise-non-responder';
import { systemActor, withTransaction, type Ctx } from '../../domain/context';
import type { Deps } from '../../deps';
import { PermanentSendError } from '../twilio/client';
import { deliverCall, deliverSms, ensureOutbound, type OutboundRow } from '../twilio/outbound';
import { markChannelUnreachable, optOutChannel } from '../twilio/person-channels';
import { inQuietHours, quietHoursEnd } from '../twilio/quiet-hours';
import { isOpen, lockSession, prepareCall, usableAddress, type SessionRow } from './place-call';

export type RetryResult = 'closed' | 'sms_retry' | 'called' | 'deferred' | 'gave_up';

/**
 * After a prompt SMS or a call did not reach the person (status callback): schedule the
 * next try CALL_RETRY_MINUTES later (moved to the end of quiet hours when it would fall
 * inside), or — after CALL_MAX_ATTEMPTS calls, or when no time is left in the round —
 * raise the non-responder alert at once. The scheduler tick then calls retryCallOrGiveUp.
 */
export async function scheduleAfterFailedAttempt(deps: Deps, ctx: Ctx, sessionId: string, what: 'sms' | 'call'): Promise<void> {
  const session = await lockSession(ctx, sessionId);
  if (!session || !isOpen(session, ctx.now)) return;
  if (what === 'call' && session.callAttempts >= deps.env.CALL_MAX_ATTEMPTS) return giveUp(ctx, session);
  let next = new Date(ctx.now.getTime() + deps.env.CALL_RETRY_MINUTES * 60_000);
  if (inQuietHours(next, session.timeZone, deps.env.QUIET_HOURS)) next = quietHoursEnd(next, session.timeZone, deps.env.QUIET_HOURS);
  if (next >= session.expiresAt) return giveUp(ctx, session);
  await ctx.tx.update(checkSessions).set({ nextActionAt: next, updatedAt: ctx.now }).where(eq(checkSessions.id, session.id));
}

/** The non-responder alert, by the same rule as the rest of the reminder chain (raiseNonResponder). */
async function giveUp(ctx: Ctx, session: SessionRow): Promise<void> {
  await raiseNonResponder({ ctx, input: { sessionId: session.id } });
}

type Plan =
  | { kind: 'closed' | 'deferred' | 'gave_up' }
  | { kind: 'sms_retry'; rows: OutboundRow[]; to: string }
  | { kind: 'called'; row: OutboundRow; to: string };

/**
 * What the scheduler tick calls for a Twilio session whose next_action_at has passed:
 * a failed SMS prompt is sent once more; after that (or for a call session) the next
 * call is placed if fewer than CALL_MAX_ATTEMPTS were made and it is not quiet hours
 * (then next_action_at moves to the end of quiet hours); otherwise the non-responder
 * alert is raised (dedupe key `non_responder:<session>`).
 * @example await retryCallOrGiveUp(deps, sessionId) // 'called'
 */
export async function retryCallOrGiveUp(deps: Deps, sessionId: string): Promise<RetryResult> {
  const plan = await withTransaction<Plan>(deps.db, { actor: systemActor('twilio-retry'), now: deps.now() }, async (ctx) => {
    const session = await lockSession(ctx, sessionId);
    if (!session || !isOpen(session, ctx.now)) return { kind: 'closed' };
    const smsRetry = await planSmsRetry(ctx, session);
    if (smsRetry) return smsRetry;
    if (session.callAttempts >= deps.env.CALL_MAX_ATTEMPTS) return giveUp(ctx, session).then(() => ({ kind: 'gave_up' }) as const);
    if (inQuietHours(ctx.now, session.timeZone, deps.env.QUIET_HOURS)) {
      const resume = quietHoursEnd(ctx.now, session.timeZone, deps.env.QUIET_HOURS);
      if (resume >= session.expiresAt) return giveUp(ctx, session).then(() => ({ kind: 'gave_up' }) as const);
      await ctx.tx.update(checkSessions).set({ nextActionAt: resume, updatedAt: ctx.now }).where(eq(checkSessions.id, session.id));
      return { kind: 'deferred' };
    }
    const call = await prepareCall(deps, ctx, session);
    if (!call) return giveUp(ctx, session).then(() => ({ kind: 'gave_up' }) as const);
    return { kind: 'called', ...call };
  });
  if (plan.kind === 'sms_retry') {
    for (const row of plan.rows) await sendOrRecord(deps, row, () => deliverSms(deps, row, plan.to), 'sms');
  } else if (plan.kind === 'called') {
    await sendOrRecord(deps, plan.row, () => deliverCall(deps, plan.row, plan.to, sessionId), 'voice');
  }
  return plan.kind;
}

/**
 * A session that began on SMS whose first prompt failed gets it once more, same text
 * (retry keys `sms:prompt:<session>:2:<n>`); a second failure falls through to a call.
 */
async function planSmsRetry(ctx: Ctx, session: SessionRow): Promise<Plan | null> {
  if (session.channel !== 'sms') return null;
  const rows = await ctx.tx
    .select()
    .from(outboundMessages)
    .where(and(eq(outboundMessages.sessionId, session.id), like(outboundMessages.retryKey, `sms:prompt:${session.id}:%`)))
    .orderBy(asc(outboundMessages.retryKey));
  const first = rows.filter((r) => r.retryKey.startsWith(`sms:prompt:${session.id}:1:`));
  const second = rows.filter((r) => r.retryKey.startsWith(`sms:prompt:${session.id}:2:`));
  if (!first.some((r) => r.status === 'failed' || r.status === 'undelivered')) return null;
  if (second.some((r) => r.status !== 'queued')) return null; // retried once already
  const to = await usableAddress(ctx, session.personId, 'sms');
  if (!to) return null;
  const retry: OutboundRow[] = [];
  for (const [i, r] of first.entries()) {
    retry.push(await ensureOutbound(ctx.tx, { personId: session.personId, sessionId: session.id, channel: 'sms', kind: 'prompt', retryKey: `sms:prompt:${session.id}:2:${i}`, body: r.body as { text?: string } }, ctx.now));
  }
  await ctx.tx.update(checkSessions).set({ nextActionAt: null, updatedAt: ctx.now }).where(eq(checkSessions.id, session.id));
  return { kind: 'sms_retry', rows: retry, to };
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
