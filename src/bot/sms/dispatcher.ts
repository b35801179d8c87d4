import { and, asc, desc, eq, like } from 'drizzle-orm';
import { outboundMessages } from '../../../db/schema';
import { beginSession } from '../../domain/checks/begin-session';
import { systemActor, withTransaction, type Ctx } from '../../domain/context';
import type { Deps } from '../../deps';
import type { ChannelDispatcher, PromptKind } from '../dispatch';
import { deliverSms, ensureOutbound, type OutboundRow } from '../twilio/outbound';
import { isOpen, lockSession, usableAddress, type SessionRow } from '../voice/place-call';
import { sendOrRecord } from '../voice/retry';
import { renderSms } from './render';
import { smsText } from './texts';

/**
 * The SMS dispatcher: the first prompt begins the session with the engine (beginSession)
 * and sends its opening as one or two short SMS (retry keys `sms:prompt:<session>:1:<n>`);
 * a reminder re-sends the last question we sent, marked 【再送】. Rows are written in the
 * session's lock and sent after commit; a retried job sends only what is still queued.
 */
export const smsDispatcher: ChannelDispatcher = {
  channel: 'sms',
  batchSize: 1,
  async sendPrompts(deps: Deps, sessionIds: string[], kind: PromptKind): Promise<void> {
    for (const sessionId of sessionIds) {
      const plan = await withTransaction(deps.db, { actor: systemActor('dispatch'), now: deps.now() }, async (ctx) => {
        const session = await lockSession(ctx, sessionId);
        if (!session || !isOpen(session, ctx.now)) return null;
        const to = await usableAddress(ctx, session.personId, 'sms');
        if (!to) return null; // opted out or unreachable: the centre already has an alert
        const rows = kind === 'prompt' ? await promptRows(ctx, session) : await reminderRows(ctx, session);
        return { rows, to };
      });
      if (!plan) {
        deps.logger.info({ sessionId, kind }, 'SMS prompt not sent: the check is over or the number may not be used');
        continue;
      }
      for (const row of plan.rows) await sendOrRecord(deps, row, () => deliverSms(deps, row, plan.to), 'sms');
    }
  },
};

async function promptRows(ctx: Ctx, session: SessionRow): Promise<OutboundRow[]> {
  const begun = await beginSession({ ctx, input: { sessionId: session.id, channel: 'sms' } });
  for (const [i, text] of renderSms(begun.messages).entries()) {
    await ensureOutbound(ctx.tx, { personId: session.personId, sessionId: session.id, channel: 'sms', kind: 'prompt', retryKey: `sms:prompt:${session.id}:1:${i}`, body: { text } }, ctx.now);
  }
  // A retried job: whatever of the first prompt is still queued.
  return ctx.tx
    .select()
    .from(outboundMessages)
    .where(and(like(outboundMessages.retryKey, `sms:prompt:${session.id}:1:%`), eq(outboundMessages.status, 'queued')))
    .orderBy(asc(outboundMessages.retryKey));
}

async function reminderRows(ctx: Ctx, session: SessionRow): Promise<OutboundRow[]> {
  const [queued] = await ctx.tx
    .select()
    .from(outboundMessages)
    .where(and(eq(outboundMessages.sessionId, session.id), eq(outboundMessages.kind, 'reminder'), eq(outboundMessages.status, 'queued')));
  if (queued) return [queued];
  if (session.state === null) return promptRows(ctx, session); // never prompted: the reminder is the first prompt
  const [last] = await ctx.tx
    .select({ body: outboundMessages.body })
    .from(outboundMessages)
    .where(and(eq(outboundMessages.sessionId, session.id), eq(outboundMessages.channel, 'sms')))
    .orderBy(desc(outboundMessages.createdAt), desc(outboundMessages.retryKey))
    .limit(1);
  const question = (last?.body as { text?: string } | null)?.text;
  if (!question) return [];
  const n = session.remindersSent + 1;
  const row = await ensureOutbound(ctx.tx, { personId: session.personId, sessionId: session.id, channel: 'sms', kind: 'reminder', retryKey: `sms:reminder:${session.id}:${n}:0`, body: { text: `${smsText('reminder', 'ja')}${question}` } }, ctx.now);
  return [row];
}
