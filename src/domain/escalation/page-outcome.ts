import { and, eq, or, sql } from 'drizzle-orm';
import { escalationPages, escalations, type OutboundStatus } from '../../../db/schema';
import type { VerbArgs, Ctx } from '../context';
import { chainAlerts, recordChainEvent } from './chain-events';
import { requirePermission } from '../permissions';

type PageRow = typeof escalationPages.$inferSelect;

/**
 * Said (pg_notify, delivered on commit) when a chain's next step became due before its
 * time — a page's call was busy, unanswered or refused — so the workers take it at once
 * rather than at the next tick (src/jobs/escalation-listener.ts).
 */
export const ESCALATION_DUE_CHANNEL = 'mimamori_escalation_due';

const REASON_JA: Record<string, string> = { busy: '話し中', 'no-answer': '応答なし', machine: '留守番電話', failed: '発信できませんでした', canceled: '取り消し', not_configured: 'Twilio 未設定', network: '通信エラー' };
const reasonJa = (code: string | null) => (code ? (REASON_JA[code] ?? `エラー ${code}`) : '不明');

/** The paged person, for the alerts' history (the page event said their place in the chain). */
const targetOf = (page: PageRow) => `${page.name}さん`;

/**
 * A page's call did not reach the person (Twilio refused it, busy, no answer, an answering
 * machine): the chain moves on at once — its next step is due now, unless the page was
 * acknowledged or the chain has moved past it already.
 */
export async function pageRefused(ctx: Ctx, page: PageRow, code: string | null): Promise<void> {
  if (page.outcome === 'acknowledged' || page.outcome === 'failed') return;
  await ctx.tx.update(escalationPages).set({ outcome: 'failed' }).where(eq(escalationPages.id, page.id));
  await ctx.tx
    .update(escalations)
    .set({ nextAt: ctx.now, updatedAt: ctx.now })
    .where(and(eq(escalations.id, page.escalationId), eq(escalations.status, 'active'), eq(escalations.step, page.step + 1)));
  await ctx.tx.execute(sql`select pg_notify(${ESCALATION_DUE_CHANNEL}, ${page.escalationId})`);
  const open = await chainAlerts(ctx, page.escalationId, { openOnly: true });
  await recordChainEvent(ctx, open, `${targetOf(page)}に電話がつながりませんでした（${reasonJa(code)}）。次の連絡先に知らせます`, { pageId: page.id, outcome: 'failed', code });
}

/**
 * What Twilio reported about a page's call or SMS (status callbacks, through the Twilio
 * door): the call answered by a person → 'answered' on the alerts' history; the call not
 * answered or refused → pageRefused; an SMS not delivered → said on the history (the call
 * decides whether the chain moves on). Unknown rows change nothing.
 */
export async function recordPageDelivery({ ctx, input }: VerbArgs<{ outboundId: string; status: OutboundStatus; code: string | null }>): Promise<void> {
  requirePermission(ctx.actor, 'recordPageDelivery');
  const [page] = await ctx.tx
    .select()
    .from(escalationPages)
    .where(or(eq(escalationPages.callOutboundId, input.outboundId), eq(escalationPages.smsOutboundId, input.outboundId)))
    .for('update');
  if (!page) return;
  const isCall = page.callOutboundId === input.outboundId;
  const failed = input.status === 'failed' || input.status === 'undelivered';
  if (isCall && failed) return pageRefused(ctx, page, input.code);
  if (isCall && input.status === 'sent' && page.outcome === null) {
    await ctx.tx.update(escalationPages).set({ outcome: 'answered' }).where(eq(escalationPages.id, page.id));
    const open = await chainAlerts(ctx, page.escalationId, { openOnly: true });
    await recordChainEvent(ctx, open, `${targetOf(page)}が電話に出ました`, { pageId: page.id, outcome: 'answered' });
    return;
  }
  if (!isCall && failed) {
    const open = await chainAlerts(ctx, page.escalationId, { openOnly: true });
    await recordChainEvent(ctx, open, `${targetOf(page)}へのSMSが届きませんでした（${reasonJa(input.code)}）`, { pageId: page.id, outcome: 'sms_failed', code: input.code });
  }
}
