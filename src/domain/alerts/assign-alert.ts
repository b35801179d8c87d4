import { and, eq, inArray } from 'drizzle-orm';
import { alertEvents, alerts, staffUsers } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError, ValidationError } from '../errors';
import { alertInScope, notifyAlertChanged, staffIdOf } from './alert-in-scope';
import { requirePermission } from '../permissions';

/** Roles that take alerts: the nurses and administrators of the alert's health centre. */
export const ASSIGNEE_ROLES = ['nurse', 'centre_admin'] as const;

/** Who may take an alert of this centre — the one rule for the assign dropdown and for assignAlert. */
export const mayTakeAlerts = (centreId: string) =>
  and(eq(staffUsers.jurisdictionId, centreId), inArray(staffUsers.role, [...ASSIGNEE_ROLES]), eq(staffUsers.disabled, false));

/**
 * Assign an alert to a nurse or centre administrator of the alert's health centre.
 * A resolved alert cannot be reassigned.
 */
export async function assignAlert({ ctx, input }: VerbArgs<{ alertId: string; staffId: string }>): Promise<{ assignedTo: string }> {
  requirePermission(ctx.actor, 'assignAlert');
  const alert = await alertInScope(ctx, input.alertId, { forUpdate: true });
  if (alert.status === 'resolved') throw new ConflictError('the alert is already resolved', { status: alert.status }, 'このアラートはすでに完了しています');
  const [assignee] = await ctx.tx
    .select({ id: staffUsers.id, name: staffUsers.displayName })
    .from(staffUsers)
    .where(and(eq(staffUsers.id, input.staffId), mayTakeAlerts(alert.centreId)));
  if (!assignee) throw new ValidationError([{ field: 'staffId', message: 'must be a nurse of the alert\'s health centre', messageJa: 'この保健所の担当者を選んでください' }]);
  await ctx.tx.update(alerts).set({ assignedTo: assignee.id, updatedAt: ctx.now }).where(eq(alerts.id, alert.id));
  await ctx.tx.insert(alertEvents).values({ alertId: alert.id, kind: 'assigned', actorStaffId: staffIdOf(ctx), note: assignee.name, createdAt: ctx.now });
  await writeAudit(ctx, { action: 'assign', entity: 'alert', entityId: alert.id, personId: alert.personId, details: { assignedTo: assignee.id } });
  await notifyAlertChanged(ctx, alert, 'assigned');
  return { assignedTo: assignee.id };
}
