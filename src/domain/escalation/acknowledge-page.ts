import { and, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { alerts, escalationPages, escalations } from '../../../db/schema';
import type { VerbArgs } from '../context';
import { chainAlerts, recordChainEvent } from './chain-events';
import { requirePermission } from '../permissions';

const SMS_REPLY_WINDOW_MS = 24 * 3_600_000;

export interface AcknowledgePageInput {
  via: 'call' | 'sms';
  /** The paged number as Twilio reports it (To of our call, From of the SMS reply). */
  phone: string;
  /** The call's page (from its TwiML URL); an SMS reply finds the latest page to that number. */
  pageId?: string;
}

/**
 * Key 1 in a page's call, or 1 replied to its SMS from the paged number: the alerts the page
 * announced that are still open become acknowledged by that person — assigned to them when
 * the shift names a staff user, else recorded with the name on the shift — with how
 * (「電話で1を押して確認」「SMSで1と返信して確認」) on each alert's history and in the audit
 * log; the chain stops once none of its alerts is open. Actor: the Twilio webhook (the
 * signature proves the request; the number proves the person). Returns how many alerts it
 * took (0: someone else had taken them), or null when the number has no page to answer.
 */
export async function acknowledgePage({ ctx, input }: VerbArgs<AcknowledgePageInput>): Promise<{ acknowledged: number; pageId: string } | null> {
  requirePermission(ctx.actor, 'acknowledgePage');
  const [page] = await ctx.tx
    .select()
    .from(escalationPages)
    .where(
      input.pageId
        ? and(eq(escalationPages.id, input.pageId), eq(escalationPages.phone, input.phone))
        : and(eq(escalationPages.phone, input.phone), gt(escalationPages.createdAt, new Date(ctx.now.getTime() - SMS_REPLY_WINDOW_MS)), isNull(escalationPages.acknowledgedAt)),
    )
    .orderBy(desc(escalationPages.createdAt))
    .limit(1)
    .for('update');
  if (!page) return null;
  if (page.acknowledgedAt) return { acknowledged: 0, pageId: page.id };
  const staffId = page.staffUserId;
  const taken = await ctx.tx
    .update(alerts)
    .set({ status: 'acknowledged', acknowledgedAt: ctx.now, acknowledgedBy: staffId, assignedTo: sql`coalesce(${alerts.assignedTo}, ${staffId})`, updatedAt: ctx.now })
    .where(and(inArray(alerts.id, page.alertIds), eq(alerts.status, 'open')))
    .returning({ id: alerts.id, personId: alerts.personId, centreId: alerts.centreId, severity: alerts.severity, status: alerts.status });
  await ctx.tx.update(escalationPages).set({ outcome: 'acknowledged', acknowledgedVia: input.via, acknowledgedAt: ctx.now }).where(eq(escalationPages.id, page.id));
  const how = input.via === 'call' ? '電話で1を押して確認' : 'SMSで1と返信して確認';
  await recordChainEvent(ctx, taken, `${page.name}さんが${how}しました`, { pageId: page.id, via: `phone_${input.via}`, staffUserId: staffId }, 'acknowledged', staffId);
  if (!(await chainAlerts(ctx, page.escalationId, { openOnly: true })).length) {
    await ctx.tx.update(escalations).set({ status: 'acknowledged', endedAt: ctx.now, updatedAt: ctx.now }).where(and(eq(escalations.id, page.escalationId), eq(escalations.status, 'active')));
  }
  return { acknowledged: taken.length, pageId: page.id };
}
