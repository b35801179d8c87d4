import { eq, sql } from 'drizzle-orm';
import { checkSessions, outboundMessages } from '../../../db/schema';
import type { Deps } from '../../deps';
import { OPEN_SESSION_STATUSES } from '../../domain/checks/answer-check';
import { systemActor, withTransaction } from '../../domain/context';
import { issueWebLink, webLinkKeys } from '../../domain/web/issue-web-link';
import { TransientSendError, type ChannelDispatcher, type PromptKind } from '../dispatch';
import { createLineApi, LineSendError } from '../line/client';
import { lineRetryUuid } from '../line/retry-key';
import { PermanentSendError } from '../twilio/client';
import { twilioSettings } from '../twilio/config';
import { deliverSms, ensureOutbound, type OutboundRow } from '../twilio/outbound';
import { linkMessageText, linkRecipient } from './link-message';

type Plan = { via: 'sms'; to: string; row: OutboundRow } | { via: 'line'; to: string; row: OutboundRow; text: string } | null;

/**
 * The web channel's dispatcher: a person whose main channel is the web page gets each
 * round's link (and reminders) by SMS when Twilio is configured and they have a number,
 * else by LINE push when LINE is configured and their account is linked. With neither (the
 * demo without provider accounts) the message is recorded as failed with "no provider
 * configured" and nothing is sent: the link is still reachable from the console
 * (「患者として試す」 / QR code). Retry keys `web:<kind>:<session>:<n>` make a retried job
 * send once.
 */
export const webDispatcher: ChannelDispatcher = {
  channel: 'web',
  batchSize: 1,
  async sendPrompts(deps: Deps, sessionIds: string[], kind: PromptKind): Promise<void> {
    for (const sessionId of sessionIds) {
      const plan = await planLinkMessage(deps, sessionId, kind);
      if (!plan) continue;
      if (plan.via === 'sms') await sendSms(deps, plan.row, plan.to);
      else await pushLine(deps, plan.row, plan.to, plan.text);
    }
  },
};

async function planLinkMessage(deps: Deps, sessionId: string, kind: PromptKind): Promise<Plan> {
  return withTransaction(deps.db, { actor: systemActor('dispatch'), now: deps.now() }, async (ctx) => {
    await ctx.tx.execute(sql`select id from check_sessions where id = ${sessionId} for update`);
    const [s] = await ctx.tx.select().from(checkSessions).where(eq(checkSessions.id, sessionId));
    if (!s || !(OPEN_SESSION_STATUSES as readonly string[]).includes(s.status) || s.expiresAt <= ctx.now) return null;
    const who = await linkRecipient(ctx.tx, s.personId);
    if (!who) return null;
    const link = await issueWebLink({ ctx, input: { sessionId }, keys: webLinkKeys(deps.env) });
    const text = linkMessageText(kind, who.lang, link.url, link.expiresAt, who.timeZone);
    const retryKey = `web:${kind}:${sessionId}:${kind === 'prompt' ? 1 : s.remindersSent + 1}`;
    const base = { personId: s.personId, sessionId, kind: `web_link_${kind}`, retryKey };
    if (twilioSettings(deps.env) && who.sms) {
      return { via: 'sms' as const, to: who.sms, row: await ensureOutbound(ctx.tx, { ...base, channel: 'sms', body: { text } }, ctx.now) };
    }
    if (deps.env.LINE_CHANNEL_ACCESS_TOKEN && who.line) {
      await ctx.tx.insert(outboundMessages).values({ ...base, channel: 'line', status: 'queued', body: { text }, createdAt: ctx.now, updatedAt: ctx.now }).onConflictDoNothing();
      const [row] = await ctx.tx.select().from(outboundMessages).where(eq(outboundMessages.retryKey, retryKey));
      return row!.status === 'queued' ? { via: 'line' as const, to: who.line, row: row!, text } : null;
    }
    // No provider for this person: record it (the console shows it), send nothing. The link is not stored.
    const reason = twilioSettings(deps.env) || deps.env.LINE_CHANNEL_ACCESS_TOKEN ? 'no usable SMS number or LINE account' : 'no provider configured';
    await ctx.tx
      .insert(outboundMessages)
      .values({ ...base, channel: 'web', status: 'failed', errorCode: 'no_provider', errorMessage: reason, attempts: 1, body: null, createdAt: ctx.now, updatedAt: ctx.now })
      .onConflictDoNothing();
    deps.logger.info({ sessionId, kind }, `web link not sent: ${reason}`);
    return null;
  });
}

async function sendSms(deps: Deps, row: OutboundRow, to: string): Promise<void> {
  try {
    await deliverSms(deps, row, to);
  } catch (err) {
    if (err instanceof TransientSendError) throw err;
    if (err instanceof PermanentSendError) return; // recorded as failed by deliverSms
    throw err;
  }
}

async function pushLine(deps: Deps, row: OutboundRow, to: string, text: string): Promise<void> {
  const set = (values: Partial<typeof outboundMessages.$inferInsert>) =>
    deps.db.update(outboundMessages).set({ ...values, attempts: sql`${outboundMessages.attempts} + 1`, updatedAt: deps.now() }).where(eq(outboundMessages.id, row.id));
  try {
    const accepted = await createLineApi(deps.env).push(to, [{ type: 'text', text }], lineRetryUuid(row.retryKey));
    await set({ status: 'sent', providerMessageId: accepted.requestId, errorCode: null, errorMessage: null });
  } catch (err) {
    const e = err instanceof LineSendError ? err : new LineSendError((err as Error).message, null, true);
    await set({ status: e.transient ? 'queued' : 'failed', errorCode: e.status === null ? 'network' : String(e.status), errorMessage: e.message.slice(0, 500) });
    deps.logger.warn({ outboundId: row.id, status: e.status, transient: e.transient }, 'LINE push of a web link failed');
    if (e.transient) throw new TransientSendError(e.message, e.retryAfterMs);
  }
}
