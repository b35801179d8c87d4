import { sql, type SQL } from 'drizzle-orm';
import { notifications } from '../../../db/schema';
import type { Actor, Ctx } from '../context';
import { ForbiddenError } from '../errors';

/** NOTIFY channel: every filed, accepted or returned notification (ids only). */
export const NOTIFICATIONS_CHANNEL = 'mimamori_notifications';

/**
 * Which notifications (発生届) an actor sees:
 * - clinician: those of their institution, drafts included;
 * - nurse, centre_admin: filed ones routed to their centre (居住地管轄) or from an
 *   institution reporting to it — visible to both centres;
 * - prefecture_officer: filed ones touching a centre of their prefecture; national_officer: all filed.
 * A draft is the clinician's until it is submitted.
 */
export function notificationScope(actor: Actor): SQL {
  if (actor.kind !== 'staff') return sql`true`;
  const filed = sql`${notifications.status} <> 'draft'`;
  switch (actor.role) {
    case 'clinician':
      return actor.institutionId ? sql`${notifications.institutionId} = ${actor.institutionId}` : sql`false`;
    case 'nurse':
    case 'centre_admin':
      if (!actor.jurisdictionId) return sql`false`;
      return sql`(${filed} and (${notifications.centreId} = ${actor.jurisdictionId} or ${notifications.reportingCentreId} = ${actor.jurisdictionId}))`;
    case 'prefecture_officer': {
      if (!actor.jurisdictionPath) return sql`false`;
      const under = (col: SQL) => sql`exists (select 1 from jurisdictions j where j.id = ${col} and starts_with(j.path, ${actor.jurisdictionPath}))`;
      return sql`(${filed} and (${under(sql`${notifications.centreId}`)} or ${under(sql`${notifications.reportingCentreId}`)}))`;
    }
    case 'national_officer':
      return filed;
    case 'facility_reporter':
      return sql`false`;
  }
}

/** Accepting or returning is the receiving centre's (its nurses and administrator), or an officer's above it. */
export function requireMayDecide(actor: Actor, centre: { id: string; path: string }): void {
  if (actor.kind === 'system') return;
  const ok =
    actor.kind === 'staff' &&
    (actor.role === 'national_officer' ||
      (actor.role === 'prefecture_officer' && !!actor.jurisdictionPath && centre.path.startsWith(actor.jurisdictionPath)) ||
      ((actor.role === 'nurse' || actor.role === 'centre_admin') && actor.jurisdictionId === centre.id));
  if (!ok) throw new ForbiddenError('only the receiving health centre may accept or return this notification', 'この届出を受理・返戻できるのは届出先の保健所です');
}

/** Tell every open console (delivered on commit). */
export async function announceNotification(ctx: Ctx, n: { id: string; centreId: string | null; reportingCentreId: string; status: string }): Promise<void> {
  await ctx.tx.execute(sql`select pg_notify(${NOTIFICATIONS_CHANNEL}, ${JSON.stringify({ notificationId: n.id, centreId: n.centreId, reportingCentreId: n.reportingCentreId, status: n.status })})`);
}
