import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { jurisdictions, medicalInstitutions, NOTIFICATION_STATUSES, notifications } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { parseInput } from '../validation';
import { notificationScope } from './notification-scope';
import { notificationSummary, type NotificationSummary } from './notification-view';
import { requirePermission } from '../permissions';

const reporting = alias(jurisdictions, 'reporting_centre');

export const listNotificationsSchema = z.object({
  status: z.enum(NOTIFICATION_STATUSES).optional(),
  // 'received': routed to the actor's own centre (the 届出受理 queue); 'all': everything in scope.
  view: z.enum(['received', 'all']).default('all'),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

/**
 * Notifications in the actor's scope (notificationScope), newest first: the 「届出受理」
 * queue of a centre (status=submitted, view=received), a clinician's own list with the
 * centres' replies. Names are personal data: one audit row lists the ids shown.
 */
export async function listNotifications({ ctx, input }: VerbArgs<unknown>): Promise<NotificationSummary[]> {
  requirePermission(ctx.actor, 'listNotifications');
  const f = parseInput(listNotificationsSchema, input ?? {});
  const where: SQL[] = [notificationScope(ctx.actor)];
  if (f.status) where.push(eq(notifications.status, f.status));
  if (f.view === 'received' && ctx.actor.kind === 'staff' && ctx.actor.jurisdictionId && (ctx.actor.role === 'nurse' || ctx.actor.role === 'centre_admin')) {
    where.push(eq(notifications.centreId, ctx.actor.jurisdictionId));
  }
  const rows = await ctx.tx
    .select({ n: notifications, inst: { code: medicalInstitutions.code, name: medicalInstitutions.name }, centre: { code: jurisdictions.code, nameJa: jurisdictions.nameJa, nameEn: jurisdictions.nameEn }, reportingCode: reporting.code })
    .from(notifications)
    .innerJoin(medicalInstitutions, eq(medicalInstitutions.id, notifications.institutionId))
    .innerJoin(reporting, eq(reporting.id, notifications.reportingCentreId))
    .leftJoin(jurisdictions, eq(jurisdictions.id, notifications.centreId))
    .where(and(...where))
    .orderBy(desc(sql`coalesce(${notifications.submittedAt}, ${notifications.updatedAt})`), desc(notifications.id))
    .limit(f.limit);
  if (rows.length) await writeAudit(ctx, { action: 'list', entity: 'notification', details: { notificationIds: rows.map((r) => r.n.id), status: f.status ?? null } });
  return rows.map((r) => notificationSummary(r.n, r.inst, r.centre?.code ? r.centre : null, r.reportingCode));
}
