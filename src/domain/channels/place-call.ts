import { and, eq } from 'drizzle-orm';
import { checkSessions, outboundMessages, personChannels } from '../../../db/schema';
import type { CheckSession } from '../checks/session';
import type { Ctx } from '../context';
import type { Deps } from '../../deps';
import { addresseeOf } from '../households/household-members';
import { contactReporterOf } from '../households/household-contact-session';
import { ensureOutbound, type OutboundRow } from '../outbox/outbound-messages';

export type SessionRow = CheckSession;

/** The person's number on a channel and its state (pending, verified, opted_out, unreachable). */
export async function channelOf(ctx: Ctx, personId: string, kind: 'sms' | 'voice'): Promise<{ address: string; state: string } | null> {
  const [ch] = await ctx.tx
    .select({ address: personChannels.address, state: personChannels.state })
    .from(personChannels)
    .where(and(eq(personChannels.personId, personId), eq(personChannels.kind, kind)));
  return ch ?? null;
}

/** The person's number on a channel, if it may be used (not opted out, not unreachable). */
export async function usableAddress(ctx: Ctx, personId: string, kind: 'sms' | 'voice'): Promise<string | null> {
  const ch = await channelOf(ctx, personId, kind);
  if (!ch || ch.state === 'opted_out' || ch.state === 'unreachable') return null;
  return ch.address;
}

/**
 * Inside the session's lock: the call to place next — a queued one left by a failed try,
 * or a new attempt (retry key `call:<session>:<n>`, call_attempts = n). Also sets a safety
 * next_action_at: if no status callback ever arrives, the tick looks at the session again.
 * Null when the person has no usable voice number, or when nothing is queued and
 * `newAttempt` is false (a retried prompt job only re-tries the call it already recorded).
 */
export async function prepareCall(deps: Deps, ctx: Ctx, session: SessionRow, opts: { newAttempt: boolean } = { newAttempt: true }): Promise<{ row: OutboundRow; to: string } | null> {
  // A household dependent's check (its reminder chain carried after the reporter's own) calls the reporter.
  // A member of a household whose reporter is a contact (not a person): never the member's own
  // number — a contact on voice is called at hers; one on SMS or the web answers there, so the
  // chain goes on to the non-responder step.
  const contact = await contactReporterOf(ctx.tx, session.personId);
  if (contact && contact.channel !== 'voice') return null;
  const to = contact ? contact.phone : await usableAddress(ctx, await addresseeOf(ctx.tx, session.personId), 'voice');
  if (!to) return null;
  const [queued] = await ctx.tx
    .select()
    .from(outboundMessages)
    .where(and(eq(outboundMessages.sessionId, session.id), eq(outboundMessages.kind, 'call'), eq(outboundMessages.status, 'queued')))
    .limit(1);
  if (queued) return { row: queued, to };
  if (!opts.newAttempt) return null;
  const attempt = session.callAttempts + 1;
  const row = await ensureOutbound(ctx.tx, { personId: session.personId, sessionId: session.id, channel: 'voice', kind: 'call', retryKey: `call:${session.id}:${attempt}`, body: null }, ctx.now);
  await ctx.tx
    .update(checkSessions)
    .set({
      callAttempts: attempt,
      status: session.status === 'pending' ? 'prompted' : session.status,
      promptedAt: session.promptedAt ?? ctx.now,
      nextActionAt: new Date(ctx.now.getTime() + deps.env.CALL_RETRY_MINUTES * 60_000),
      updatedAt: ctx.now,
    })
    .where(eq(checkSessions.id, session.id));
  return { row, to };
}
