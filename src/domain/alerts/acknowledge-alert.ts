import { and, eq } from 'drizzle-orm';
import { alertEvents, alerts } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { alreadyResolved, alreadyTaken, changedMeanwhile } from './alert-conflicts';
import { alertInScope, notifyAlertChanged, staffIdOf, staffName } from './alert-in-scope';
import { requirePermission } from '../permissions';
import { observeAlertAck } from '../../platform/metrics/record';

/**
 * A nurse takes an open alert ("対応します"): status open → acknowledged, assigned to them
 * unless someone is already assigned. Only an open alert can be taken: when two nurses
 * press at once the second gets a ConflictError naming who took it. Taking your own again
 * is a no-op.
 */
export async function acknowledgeAlert({ ctx, input }: VerbArgs<{ alertId: string }>): Promise<{ status: 'acknowledged'; acknowledgedBy: string | null }> {
  requirePermission(ctx.actor, 'acknowledgeAlert');
  const me = staffIdOf(ctx);
  const alert = await alertInScope(ctx, input.alertId, { forUpdate: true });
  if (alert.status !== 'open') {
    if (alert.status === 'acknowledged' && alert.acknowledgedBy === me) return { status: 'acknowledged', acknowledgedBy: me };
    const by = await staffName(ctx, alert.status === 'resolved' ? alert.resolvedBy : alert.acknowledgedBy);
    throw alert.status === 'resolved' ? alreadyResolved(by, alert.resolvedAt) : alreadyTaken(by, alert.acknowledgedAt);
  }
  // The status condition repeats the check in SQL: the row lock makes it hold, this makes it obvious.
  const updated = await ctx.tx
    .update(alerts)
    .set({ status: 'acknowledged', acknowledgedAt: ctx.now, acknowledgedBy: me, assignedTo: alert.assignedTo ?? me, updatedAt: ctx.now })
    .where(and(eq(alerts.id, alert.id), eq(alerts.status, 'open')))
    .returning({ id: alerts.id });
  if (!updated.length) throw changedMeanwhile();
  observeAlertAck(alert.severity, alert.createdAt, ctx.now);
  await ctx.tx.insert(alertEvents).values({ alertId: alert.id, kind: 'acknowledged', actorStaffId: me, createdAt: ctx.now });
  await writeAudit(ctx, { action: 'acknowledge', entity: 'alert', entityId: alert.id, personId: alert.personId });
  await notifyAlertChanged(ctx, alert, 'acknowledged');
  return { status: 'acknowledged', acknowledgedBy: me };
}
