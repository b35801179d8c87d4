import { and, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { jurisdictions, medicalInstitutions, notifications } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { findPossibleDuplicates, type DuplicateCandidate } from '../persons/find-possible-duplicates';
import type { NotificationFields } from './notification-input';
import { notificationScope, requireMayDecide } from './notification-scope';
import { notificationSummary, type NotificationSummary } from './notification-view';
import { requirePermission } from '../permissions';

const reporting = alias(jurisdictions, 'reporting_centre');

/** A notification in the actor's scope, locked when asked, with its centres; else 404 (never confirming it exists). */
export async function notificationInScope(ctx: Ctx, id: string, opts: { forUpdate?: boolean } = {}) {
  const q = ctx.tx
    .select({ n: notifications, inst: { code: medicalInstitutions.code, name: medicalInstitutions.name }, centre: jurisdictions, reportingCode: reporting.code })
    .from(notifications)
    .innerJoin(medicalInstitutions, eq(medicalInstitutions.id, notifications.institutionId))
    .innerJoin(reporting, eq(reporting.id, notifications.reportingCentreId))
    .leftJoin(jurisdictions, eq(jurisdictions.id, notifications.centreId))
    .where(and(eq(notifications.id, id), notificationScope(ctx.actor)));
  const [row] = opts.forUpdate ? await q.for('update', { of: notifications }) : await q;
  if (!row) throw new NotFoundError('notification', id);
  return row;
}

export type NotificationDetail = NotificationSummary & { fields: NotificationFields; possibleDuplicates: DuplicateCandidate[]; mayDecide: boolean };

/**
 * One notification with all its items; for a filed one still waiting, the persons of the
 * receiving centre that may be the same human (same kana name and birth date, or phone),
 * so the nurse can attach it instead of registering a duplicate. Audited as a read.
 */
export async function getNotification({ ctx, input }: VerbArgs<{ id: string }>): Promise<NotificationDetail> {
  requirePermission(ctx.actor, 'getNotification');
  const row = await notificationInScope(ctx, input.id);
  const fields = row.n.fields as NotificationFields;
  let mayDecide = row.n.status === 'submitted' && !!row.centre;
  try {
    if (mayDecide) requireMayDecide(ctx.actor, row.centre!);
  } catch {
    mayDecide = false;
  }
  const possibleDuplicates =
    mayDecide && row.n.centreId
      ? await findPossibleDuplicates(ctx.tx, { scopeCentreIds: [row.n.centreId], kanaName: fields.nameKana, birthDate: fields.dateOfBirth, phoneE164: fields.phone })
      : [];
  await writeAudit(ctx, { action: 'read', entity: 'notification', entityId: row.n.id, personId: row.n.personId, details: possibleDuplicates.length ? { candidateIds: possibleDuplicates.map((d) => d.id) } : undefined });
  const centre = row.centre ? { code: row.centre.code, nameJa: row.centre.nameJa, nameEn: row.centre.nameEn } : null;
  return { ...notificationSummary(row.n, row.inst, centre, row.reportingCode), fields, possibleDuplicates, mayDecide };
}
