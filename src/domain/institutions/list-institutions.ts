import { and, asc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { jurisdictions, medicalInstitutions } from '../../../db/schema';
import type { VerbArgs } from '../context';
import { ForbiddenError } from '../errors';
import { parseInput } from '../validation';
import { mayManageInstitutionAt } from './institution-access';
import { institutionView, type InstitutionView } from './institution-input';
import { requirePermission } from '../permissions';

export const listInstitutionsSchema = z.object({
  centreCode: z.string().trim().max(40).optional(),
  prefectureCode: z.string().trim().max(2).optional(),
  q: z.string().trim().max(100).optional(),
  includeInactive: z.preprocess((v) => v === true || v === 'true' || v === '1', z.boolean()).default(false),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/**
 * Medical institutions in code order, for every staff user (public bodies' registers, no
 * personal data: no audit row). A clinician sees their own institution only. `manageable`
 * says whether the actor may change it.
 */
export async function listInstitutions({ ctx, input }: VerbArgs<unknown>): Promise<(InstitutionView & { manageable: boolean })[]> {
  requirePermission(ctx.actor, 'listInstitutions');
  if (ctx.actor.kind !== 'staff' && ctx.actor.kind !== 'system') throw new ForbiddenError();
  const f = parseInput(listInstitutionsSchema, input ?? {});
  const where: SQL[] = [];
  if (!f.includeInactive) where.push(eq(medicalInstitutions.active, true));
  if (f.centreCode) where.push(eq(jurisdictions.code, f.centreCode));
  if (f.prefectureCode) where.push(sql`starts_with(${jurisdictions.path}, ${`/JP/${f.prefectureCode}/`})`);
  if (f.q) where.push(or(ilike(medicalInstitutions.name, `%${f.q.replace(/[%_\\]/g, '\\$&')}%`), sql`starts_with(${medicalInstitutions.code}, ${f.q})`)!);
  if (ctx.actor.kind === 'staff' && ctx.actor.role === 'clinician') where.push(ctx.actor.institutionId ? eq(medicalInstitutions.id, ctx.actor.institutionId) : sql`false`);
  const rows = await ctx.tx
    .select({ i: medicalInstitutions, centre: jurisdictions })
    .from(medicalInstitutions)
    .innerJoin(jurisdictions, eq(jurisdictions.id, medicalInstitutions.jurisdictionId))
    .where(and(...where))
    .orderBy(asc(medicalInstitutions.code))
    .limit(f.limit);
  return rows.map((r) => ({ ...institutionView(r.i, r.centre.code), manageable: mayManageInstitutionAt(ctx.actor, r.centre) }));
}
