import { and, eq } from 'drizzle-orm';
import { alerts, persons, staffUsers } from '../../../db/schema';
import { onePersonScope } from '../access';
import type { Ctx } from '../context';
import { NotFoundError } from '../errors';
import { announceAlert } from './alert-notices';

/**
 * The alert, if its person is within the actor's scope — else NotFoundError, exactly as if
 * it did not exist. `forUpdate` locks the row so two nurses act one after the other.
 */
export async function alertInScope(ctx: Ctx, alertId: string, opts: { forUpdate?: boolean } = {}) {
  const q = ctx.tx
    .select({ alert: alerts })
    .from(alerts)
    .innerJoin(persons, eq(persons.id, alerts.personId))
    .where(and(eq(alerts.id, alertId), onePersonScope(ctx.actor)));
  const [row] = opts.forUpdate ? await q.for('update', { of: alerts }) : await q;
  if (!row) throw new NotFoundError('alert', alertId);
  return row.alert;
}

/** Display name of a staff user, for "taken by …" messages. */
export async function staffName(ctx: Ctx, staffId: string | null): Promise<string | null> {
  if (!staffId) return null;
  const [row] = await ctx.tx.select({ name: staffUsers.displayName }).from(staffUsers).where(eq(staffUsers.id, staffId));
  return row?.name ?? null;
}

/** Tell every open console that an alert changed (delivered on commit, like raiseAlert's). */
export async function notifyAlertChanged(ctx: Ctx, alert: { id: string; centreId: string; severity: string }, event: string): Promise<void> {
  await announceAlert(ctx, { alertId: alert.id, centreId: alert.centreId, severity: alert.severity, created: false, event });
}

export const staffIdOf = (ctx: Ctx): string | null => (ctx.actor.kind === 'staff' ? ctx.actor.staffId : null);
