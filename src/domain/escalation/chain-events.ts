import { and, eq } from 'drizzle-orm';
import { alertEvents, alerts, escalationAlerts } from '../../../db/schema';
import { notifyAlertChanged } from '../alerts/alert-in-scope';
import { writeAudit } from '../audit';
import type { Ctx } from '../context';

export interface ChainAlert {
  id: string;
  personId: string;
  centreId: string;
  severity: 'red' | 'amber';
  status: string;
}

/** The alerts of a chain (locked when `forUpdate`), optionally only those still open. */
export async function chainAlerts(ctx: Ctx, escalationId: string, opts: { openOnly?: boolean; forUpdate?: boolean } = {}): Promise<ChainAlert[]> {
  const q = ctx.tx
    .select({ id: alerts.id, personId: alerts.personId, centreId: alerts.centreId, severity: alerts.severity, status: alerts.status })
    .from(escalationAlerts)
    .innerJoin(alerts, eq(alerts.id, escalationAlerts.alertId))
    .where(and(eq(escalationAlerts.escalationId, escalationId), opts.openOnly ? eq(alerts.status, 'open') : undefined))
    .orderBy(alerts.createdAt);
  return opts.forUpdate ? q.for('update', { of: alerts }) : q;
}

/**
 * One 'escalated' event on each alert (visible in its history), one audit row each, and a
 * notice to open consoles (the queue shows the escalation state). `note` is Japanese for the
 * history, `details` ids and codes for the audit log.
 */
export async function recordChainEvent(ctx: Ctx, list: readonly ChainAlert[], note: string, details: Record<string, unknown>, kind: 'escalated' | 'acknowledged' = 'escalated', actorStaffId: string | null = null): Promise<void> {
  if (!list.length) return;
  await ctx.tx.insert(alertEvents).values(list.map((a) => ({ alertId: a.id, kind, actorStaffId, note, createdAt: ctx.now })));
  for (const a of list) {
    await writeAudit(ctx, { action: kind === 'escalated' ? 'escalate' : 'acknowledge', entity: 'alert', entityId: a.id, personId: a.personId, details });
    await notifyAlertChanged(ctx, a, kind);
  }
}
