import { eq, sql } from 'drizzle-orm';
import { outboundMessages } from '../../db/schema';
import type { Deps } from '../deps';
import type { Ctx } from '../domain/context';
import { TransientSendError } from './dispatch';
import { LineSendError } from './line/client';
import { lineApiFor } from './line/limited-api';
import { lineRetryUuid } from './line/retry-key';
import { PermanentSendError } from './twilio/client';
import { twilioSettings } from './twilio/config';
import { deliverSms, ensureOutbound, type OutboundRow } from './twilio/outbound';
import { linkRecipient, type LinkRecipient } from './web/link-message';

export type NoticePlan = { via: 'sms'; to: string; row: OutboundRow } | { via: 'line'; to: string; row: OutboundRow; text: string } | null;

export interface NoticeInput {
  personId: string;
  sessionId?: string | null;
  kind: string; // web_link_prompt, closing …
  retryKey: string;
  text: (who: LinkRecipient) => string;
}

/**
 * One plain text to a person, outside a conversation: by SMS when Twilio is configured and
 * they have a usable number, else by LINE push when LINE is configured and their account is
 * linked. Recorded in outbound_messages under the retry key (a retried job sends once).
 * With neither, the row is recorded as failed with the reason and nothing is sent.
 * Runs in the caller's transaction; deliverNotice sends after it committed.
 */
export async function planNotice(deps: Deps, ctx: Ctx, input: NoticeInput): Promise<NoticePlan> {
  const who = await linkRecipient(ctx.tx, input.personId);
  if (!who) return null;
  const text = input.text(who);
  const base = { personId: input.personId, sessionId: input.sessionId ?? null, kind: input.kind, retryKey: input.retryKey };
  if (twilioSettings(deps.env) && who.sms) {
    return { via: 'sms', to: who.sms, row: await ensureOutbound(ctx.tx, { ...base, channel: 'sms', body: { text } }, ctx.now) };
  }
  if (deps.env.LINE_CHANNEL_ACCESS_TOKEN && who.line) {
    await ctx.tx.insert(outboundMessages).values({ ...base, channel: 'line', status: 'queued', body: { text }, createdAt: ctx.now, updatedAt: ctx.now }).onConflictDoNothing();
    const [row] = await ctx.tx.select().from(outboundMessages).where(eq(outboundMessages.retryKey, input.retryKey));
    return row!.status === 'queued' ? { via: 'line', to: who.line, row: row!, text } : null;
  }
  const reason = twilioSettings(deps.env) || deps.env.LINE_CHANNEL_ACCESS_TOKEN ? 'no usable SMS number or LINE account' : 'no provider configured';
  await ctx.tx
    .insert(outboundMessages)
    .values({ ...base, channel: 'web', status: 'failed', errorCode: 'no_provider', errorMessage: reason, attempts: 1, body: null, createdAt: ctx.now, updatedAt: ctx.now })
    .onConflictDoNothing();
  deps.logger.info({ personId: input.personId, kind: input.kind }, `notice not sent: ${reason}`);
  return null;
}

/** Send a planned notice; transient provider failures throw TransientSendError (the job retries with the same key). */
export async function deliverNotice(deps: Deps, plan: NoticePlan): Promise<void> {
  if (!plan) return;
  if (plan.via === 'sms') return sendSms(deps, plan.row, plan.to);
  return pushLine(deps, plan.row, plan.to, plan.text);
}

async function sendSms(deps: Deps, row: OutboundRow, to: string): Promise<void> {
  try {
    await deliverSms(deps, row, to);
  } catch (err) {
    if (err instanceof PermanentSendError) return; // recorded as failed by deliverSms
    throw err;
  }
}

async function pushLine(deps: Deps, row: OutboundRow, to: string, text: string): Promise<void> {
  const set = (values: Partial<typeof outboundMessages.$inferInsert>) =>
    deps.db.update(outboundMessages).set({ ...values, attempts: sql`${outboundMessages.attempts} + 1`, updatedAt: deps.now() }).where(eq(outboundMessages.id, row.id));
  try {
    const accepted = await lineApiFor(deps).push(to, [{ type: 'text', text }], lineRetryUuid(row.retryKey));
    await set({ status: 'sent', providerMessageId: accepted.requestId, errorCode: null, errorMessage: null });
  } catch (err) {
    const e = err instanceof LineSendError ? err : new LineSendError((err as Error).message, null, true);
    await set({ status: e.transient ? 'queued' : 'failed', errorCode: e.status === null ? 'network' : String(e.status), errorMessage: e.message.slice(0, 500) });
    deps.logger.warn({ outboundId: row.id, status: e.status, transient: e.transient }, 'LINE push of a notice failed');
    if (e.transient) throw new TransientSendError(e.message, e.retryAfterMs);
  }
}
