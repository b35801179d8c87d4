import { and, eq, inArray, sql } from 'drizzle-orm';
import { jurisdictions, MONITORED_STATUSES, persons } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError } from '../errors';
import { parseInput } from '../validation';
import { jurisdictionView, updateCentreSchema, type JurisdictionView } from './centre-input';
import { requireManageCentre } from './centre-access';
import { centreByCode } from './find-jurisdiction';
import { requirePermission } from '../permissions';

/** JSON with sorted keys: jsonb gives keys back in its own order, so a plain stringify would see a change. */
function canonical(v: unknown): string {
  return JSON.stringify(v ?? null, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));
}

/**
 * Change a health centre's details, or deactivate / reactivate it (`active`). A centre is
 * never deleted: persons, alerts and audit rows keep referring to it. It can be
 * deactivated only when no person under monitoring is left there (move them first:
 * moveCentrePersons); a deactivated centre takes no new person or notification.
 * Details: national_officer, the prefecture's officers, the centre's own administrator;
 * standing (active): national_officer and the prefecture's officers.
 */
export async function updateCentre({ ctx, input }: VerbArgs<{ code: string; change: unknown }>): Promise<{ centre: JurisdictionView; changed: string[] }> {
  requirePermission(ctx.actor, 'updateCentre');
  const centre = await centreByCode(ctx, input.code, { forUpdate: true });
  const f = parseInput(updateCentreSchema, input.change);
  const { kind: _k, active, openingHours, ...details } = f;
  const set: Partial<typeof jurisdictions.$inferInsert> = { ...details };
  if (openingHours !== undefined) set.openingHours = openingHours ? JSON.stringify(openingHours) : null;
  const detailKeys = Object.keys(set);
  if (detailKeys.length) requireManageCentre(ctx.actor, centre, 'details');
  if (active !== undefined && active !== centre.active) {
    requireManageCentre(ctx.actor, centre, 'standing');
    if (!active) {
      const [left] = await ctx.tx
        .select({ n: sql<number>`count(*)::int` })
        .from(persons)
        .where(and(eq(persons.responsibleCentreId, centre.id), inArray(persons.status, [...MONITORED_STATUSES])));
      if (left!.n > 0) {
        throw new ConflictError(`${left!.n} persons under monitoring still belong to this health centre; move them first`, { monitored: left!.n }, `この保健所には健康観察中の対象者が${left!.n}人います。先に別の保健所へ移管してください`);
      }
    }
    set.active = active;
  }
  const changed = Object.entries(set)
    .filter(([k, v]) => canonical(v) !== canonical((centre as Record<string, unknown>)[k]))
    .map(([k]) => k);
  let row = centre;
  if (changed.length) {
    [row] = (await ctx.tx.update(jurisdictions).set({ ...set, updatedAt: ctx.now }).where(eq(jurisdictions.id, centre.id)).returning()) as [typeof centre];
    await writeAudit(ctx, { action: active === false && changed.includes('active') ? 'deactivate' : 'update', entity: 'jurisdiction', entityId: centre.id, details: { code: centre.code, fields: changed } });
  }
  const [parent] = centre.parentId ? await ctx.tx.select({ code: jurisdictions.code }).from(jurisdictions).where(eq(jurisdictions.id, centre.parentId)) : [];
  return { centre: jurisdictionView(row, parent?.code ?? null), changed };
}
