import { asc, eq, like, or, sql } from 'drizzle-orm';
import { jurisdictions, medicalInstitutions, staffUsers } from '../../../db/schema';
import { jurisdictionScopePrefix } from '../access';
import type { VerbArgs } from '../context';
import { requirePermission } from '../permissions';

/**
 * The staff users an administrator may manage: those working within their jurisdiction
 * (clinicians by their institution's centre), never credentials. centre_admin and up.
 */
export async function listStaff({ ctx }: VerbArgs<Record<string, never>>) {
  requirePermission(ctx.actor, 'listStaff');
  const prefix = jurisdictionScopePrefix(ctx.actor) ?? '\u0000';
  const rows = await ctx.tx
    .select({
      id: staffUsers.id,
      email: staffUsers.email,
      displayName: staffUsers.displayName,
      role: staffUsers.role,
      disabled: staffUsers.disabled,
      jurisdictionCode: jurisdictions.code,
      institutionCode: medicalInstitutions.code,
    })
    .from(staffUsers)
    .leftJoin(jurisdictions, eq(jurisdictions.id, staffUsers.jurisdictionId))
    .leftJoin(medicalInstitutions, eq(medicalInstitutions.id, staffUsers.institutionId))
    .leftJoin(sql`jurisdictions ij`, sql`ij.id = ${medicalInstitutions.jurisdictionId}`)
    .where(or(like(jurisdictions.path, `${prefix}%`), sql`ij.path like ${prefix + '%'}`))
    .orderBy(asc(staffUsers.email));
  return rows;
}
