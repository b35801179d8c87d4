import { asc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { JURISDICTION_KINDS, jurisdictions } from '../../../db/schema';
import type { VerbArgs } from '../context';
import { ForbiddenError } from '../errors';
import { parseInput } from '../validation';
import { mayManageCentre } from './centre-access';
import { jurisdictionView, type JurisdictionView } from './centre-input';
import { requirePermission } from '../permissions';

const parent = alias(jurisdictions, 'parent');

export const listJurisdictionsSchema = z.object({
  kind: z.enum(JURISDICTION_KINDS).optional(),
  parentCode: z.string().trim().max(40).optional(),
  includeInactive: z.preprocess((v) => v === true || v === 'true' || v === '1', z.boolean()).default(false),
});

export type ListedJurisdiction = JurisdictionView & { manageable: boolean; detailsEditable: boolean };

/**
 * The jurisdiction tree (nation, prefectures, health centres) in code order, for every
 * staff user: the names and numbers of public bodies, no personal data (no audit row).
 * `manageable` / `detailsEditable` say what the actor may change (centre-access.ts).
 */
export async function listJurisdictions({ ctx, input }: VerbArgs<unknown>): Promise<ListedJurisdiction[]> {
  requirePermission(ctx.actor, 'listJurisdictions');
  if (ctx.actor.kind !== 'staff' && ctx.actor.kind !== 'system') throw new ForbiddenError();
  const f = parseInput(listJurisdictionsSchema, input ?? {});
  const rows = await ctx.tx
    .select({ j: jurisdictions, parentCode: parent.code })
    .from(jurisdictions)
    .leftJoin(parent, eq(parent.id, jurisdictions.parentId))
    .orderBy(asc(jurisdictions.path));
  return rows
    .filter((r) => (!f.kind || r.j.kind === f.kind) && (!f.parentCode || r.parentCode === f.parentCode) && (f.includeInactive || r.j.active))
    .map((r) => ({
      ...jurisdictionView(r.j, r.parentCode),
      manageable: r.j.kind === 'health_centre' && mayManageCentre(ctx.actor, r.j, 'standing'),
      detailsEditable: r.j.kind === 'health_centre' && mayManageCentre(ctx.actor, r.j, 'details'),
    }));
}
