import { and, eq, like } from 'drizzle-orm';
import { jurisdictions, onCallShifts } from '../../../db/schema';
import { jurisdictionScopePrefix, requireRoleAtLeast } from '../access';
import type { Ctx } from '../context';
import { ForbiddenError, NotFoundError } from '../errors';
import type { Shift } from './rota';

export type RotaJurisdiction = { id: string; code: string; kind: string; path: string; parentId: string | null; nameJa: string; timeZone: string; openingHours: string | null };

/**
 * The jurisdiction whose rota is read or changed, within the actor's scope (else 404, as if
 * it did not exist). Rotas belong to health centres and prefectures (夜間 rota). Reading:
 * every staff role of the jurisdiction or above it, except clinicians. Changing: a centre's
 * rota centre_admin and up; a prefecture's prefecture_officer and up.
 */
export async function rotaJurisdiction(ctx: Ctx, code: string, mode: 'read' | 'write'): Promise<RotaJurisdiction> {
  const prefix = jurisdictionScopePrefix(ctx.actor);
  const [j] = await ctx.tx
    .select({ id: jurisdictions.id, code: jurisdictions.code, kind: jurisdictions.kind, path: jurisdictions.path, parentId: jurisdictions.parentId, nameJa: jurisdictions.nameJa, timeZone: jurisdictions.timeZone, openingHours: jurisdictions.openingHours })
    .from(jurisdictions)
    .where(and(eq(jurisdictions.code, code), like(jurisdictions.path, `${prefix ?? '\u0000'}%`)));
  if (!j || j.kind === 'nation' || (ctx.actor.kind === 'staff' && ctx.actor.role === 'clinician')) throw new NotFoundError('jurisdiction', code);
  if (mode === 'write') {
    requireRoleAtLeast(ctx.actor, j.kind === 'prefecture' ? 'prefecture_officer' : 'centre_admin');
    if (ctx.actor.kind !== 'staff' && ctx.actor.kind !== 'system') throw new ForbiddenError();
  }
  return j;
}

/** Every shift of a jurisdiction's rota. */
export async function shiftsOf(ctx: Ctx, jurisdictionId: string): Promise<Shift[]> {
  const rows = await ctx.tx.select().from(onCallShifts).where(eq(onCallShifts.jurisdictionId, jurisdictionId)).orderBy(onCallShifts.role, onCallShifts.position, onCallShifts.startsAt);
  return rows.map((r) => ({ id: r.id, role: r.role, position: r.position, name: r.name, staffUserId: r.staffUserId, phone: r.phone, repeat: r.repeat, days: r.days, startsAt: r.startsAt, endsAt: r.endsAt }));
}
