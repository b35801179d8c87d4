import { and, eq, like } from 'drizzle-orm';
import { jurisdictions } from '../../../db/schema';
import { jurisdictionScopePrefix } from '../access';
import type { VerbArgs } from '../context';
import { requirePermission } from '../permissions';

export interface CentreChoice {
  code: string;
  nameJa: string;
  nameEn: string;
}

/**
 * The health centres in the actor's scope (their own, those under their prefecture, every
 * one for a national officer), in code order: what the console offers wherever a centre is
 * chosen (registration, import, the triage filter, transfer and share). Names and numbers
 * of public bodies only, so no audit row.
 */
export async function centresInScope({ ctx }: VerbArgs<unknown>): Promise<CentreChoice[]> {
  requirePermission(ctx.actor, 'centresInScope');
  const prefix = jurisdictionScopePrefix(ctx.actor);
  if (!prefix) return [];
  return ctx.tx
    .select({ code: jurisdictions.code, nameJa: jurisdictions.nameJa, nameEn: jurisdictions.nameEn })
    .from(jurisdictions)
    .where(and(eq(jurisdictions.kind, 'health_centre'), like(jurisdictions.path, `${prefix}%`)))
    .orderBy(jurisdictions.code)
    .limit(500);
}

/** The name of the jurisdiction the actor belongs to (the reports page's heading); null without one. */
export async function ownJurisdictionName({ ctx }: VerbArgs<unknown>): Promise<{ nameJa: string; nameEn: string } | null> {
  requirePermission(ctx.actor, 'ownJurisdictionName');
  if (ctx.actor.kind !== 'staff' || !ctx.actor.jurisdictionId) return null;
  const [j] = await ctx.tx.select({ nameJa: jurisdictions.nameJa, nameEn: jurisdictions.nameEn }).from(jurisdictions).where(eq(jurisdictions.id, ctx.actor.jurisdictionId));
  return j ?? null;
}
