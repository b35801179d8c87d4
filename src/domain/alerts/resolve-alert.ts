import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { ALERT_OUTCOMES, alertEvents, alerts } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { parseInput } from '../validation';
import { alreadyResolved, changedMeanwhile } from './alert-conflicts';
import { alertInScope, notifyAlertChanged, staffIdOf, staffName } from './alert-in-scope';
import { requirePermission } from '../permissions';

export const resolveAlertSchema = z.object({
  outcome: z.enum(ALERT_OUTCOMES, { message: `must be one of ${ALERT_OUTCOMES.join(', ')}` }),
  note: z.string().trim().max(2000, 'must be at most 2000 characters').optional(),
});

/**
 * Close an alert with what was done (called, advised, arranged admission, called an
 * ambulance, no action needed) and an optional note. A resolved alert cannot be resolved
 * again: the second nurse gets a ConflictError naming who resolved it.
 */
export async function resolveAlert({ ctx, input }: VerbArgs<{ alertId: string } & Record<string, unknown>>): Promise<{ status: 'resolved' }> {
  requirePermission(ctx.actor, 'resolveAlert');
  const { outcome, note } = parseInput(resolveAlertSchema, input);
  const me = staffIdOf(ctx);
  const alert = await alertInScope(ctx, input.alertId, { forUpdate: true });
  if (alert.status === 'resolved') {
    const by = await staffName(ctx, alert.resolvedBy);
    throw alreadyResolved(by, alert.resolvedAt);
  }
  const updated = await ctx.tx
    .update(alerts)
    .set({
      status: 'resolved',
      outcome,
      resolvedAt: ctx.now,
      resolvedBy: me,
      acknowledgedAt: alert.acknowledgedAt ?? ctx.now,
      acknowledgedBy: alert.acknowledgedBy ?? me,
      assignedTo: alert.assignedTo ?? me,
      updatedAt: ctx.now,
    })
    .where(and(eq(alerts.id, alert.id), inArray(alerts.status, ['open', 'acknowledged'])))
    .returning({ id: alerts.id });
  if (!updated.length) throw changedMeanwhile();
  await ctx.tx.insert(alertEvents).values({ alertId: alert.id, kind: 'resolved', actorStaffId: me, note: note ? `${outcome}: ${note}` : outcome, createdAt: ctx.now });
  await writeAudit(ctx, { action: 'resolve', entity: 'alert', entityId: alert.id, personId: alert.personId, details: { outcome } });
  await notifyAlertChanged(ctx, alert, 'resolved');
  return { status: 'resolved' };
}
