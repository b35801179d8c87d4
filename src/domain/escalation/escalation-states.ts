import { and, desc, eq, inArray } from 'drizzle-orm';
import { alerts, escalationAlerts, escalationPages, escalations } from '../../../db/schema';
import { activeAlertScope } from '../access';
import type { VerbArgs } from '../context';
import { requirePermission } from '../permissions';

/** Where an alert's escalation stands, for the triage queue (staff names from the rota only). */
export interface EscalationState {
  status: 'waiting' | 'paging' | 'acknowledged_by_phone' | 'exhausted' | 'ended';
  /** The last page announcing this alert: whom (rota name), which attempt, when, how it went. */
  lastPage: { name: string; attempt: number; at: string; outcome: string | null; via: 'call' | 'sms' | null } | null;
  labelJa: string;
}

/**
 * The escalation state of alerts already listed for the actor (the queue's page of rows),
 * in one query for the chains and one for their pages; alerts outside the actor's scope
 * are left out. Every staff role that sees the queue.
 */
export async function escalationStates({ ctx, input }: VerbArgs<{ alertIds: string[] }>): Promise<Map<string, EscalationState>> {
  requirePermission(ctx.actor, 'escalationStates');
  const out = new Map<string, EscalationState>();
  if (!input.alertIds.length) return out;
  const chains = await ctx.tx
    .select({ alertId: escalationAlerts.alertId, escalationId: escalations.id, status: escalations.status })
    .from(escalationAlerts)
    .innerJoin(escalations, eq(escalations.id, escalationAlerts.escalationId))
    .innerJoin(alerts, eq(alerts.id, escalationAlerts.alertId))
    .where(and(inArray(escalationAlerts.alertId, input.alertIds), activeAlertScope(ctx.actor)));
  if (!chains.length) return out;
  const pages = await ctx.tx
    .select()
    .from(escalationPages)
    .where(inArray(escalationPages.escalationId, [...new Set(chains.map((c) => c.escalationId))]))
    .orderBy(desc(escalationPages.step));
  for (const c of chains) {
    const mine = pages.filter((p) => p.escalationId === c.escalationId && p.alertIds.includes(c.alertId));
    const acked = mine.find((p) => p.acknowledgedAt);
    const last = acked ?? mine[0] ?? null;
    const lastPage = last ? { name: last.name, attempt: last.step + 1, at: last.createdAt.toISOString(), outcome: last.outcome, via: last.acknowledgedVia } : null;
    let status: EscalationState['status'];
    let labelJa: string;
    if (acked) {
      status = 'acknowledged_by_phone';
      labelJa = `${acked.name}さんが${acked.acknowledgedVia === 'sms' ? 'SMS' : '電話'}で確認`;
    } else if (c.status === 'exhausted') {
      status = 'exhausted';
      labelJa = last ? '当番全員に連絡・未確認' : '当番表に連絡先なし';
    } else if (c.status === 'active') {
      status = last ? 'paging' : 'waiting';
      labelJa = last ? `${last.name}さんに連絡中（${last.step + 1}人目${last.outcome === 'failed' ? '・不通' : last.outcome === 'answered' ? '・応答あり' : ''}）` : '当番への連絡を準備中';
    } else {
      status = 'ended';
      labelJa = last ? `${last.name}さんまで連絡済み` : '—';
    }
    out.set(c.alertId, { status, lastPage, labelJa });
  }
  return out;
}
