import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { jurisdictions, medicalInstitutions } from '../../../db/schema';
import { jurisdictionScopePrefix } from '../access';
import type { VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { CENTRE_CODE_SYSTEM, INSTITUTION_CODE_SYSTEM } from './codes';
import { toOrganization } from './map-clinical';
import { requirePermission } from '../permissions';

export interface OrganizationSearch {
  ids?: string[];
  identifier?: string[];
  count: number;
  offset: number;
}

/**
 * Health centres under the client's jurisdiction and the medical institutions registered
 * with them, as Organizations (one list: centres first, then institutions, by code).
 */
export async function searchOrganizations({ ctx, input }: VerbArgs<OrganizationSearch>) {
  requirePermission(ctx.actor, 'searchOrganizations');
  const prefix = jurisdictionScopePrefix(ctx.actor);
  if (!prefix) return { resources: [], more: false };
  const centreWhere: SQL[] = [eq(jurisdictions.kind, 'health_centre'), sql`starts_with(${jurisdictions.path}, ${prefix})`];
  const instWhere: SQL[] = [sql`starts_with(${jurisdictions.path}, ${prefix})`];
  if (input.ids) {
    centreWhere.push(inArray(jurisdictions.id, input.ids));
    instWhere.push(inArray(medicalInstitutions.id, input.ids));
  }
  for (const t of input.identifier ?? []) {
    const tokens = t.split(',').map((x) => (x.includes('|') ? [x.slice(0, x.indexOf('|')), x.slice(x.indexOf('|') + 1)] : ['', x]) as [string, string]);
    centreWhere.push(inArray(jurisdictions.code, tokens.filter(([s]) => s === '' || s === CENTRE_CODE_SYSTEM).map(([, v]) => v).concat('')));
    instWhere.push(inArray(medicalInstitutions.code, tokens.filter(([s]) => s === '' || s === INSTITUTION_CODE_SYSTEM).map(([, v]) => v).concat('')));
  }
  const centres = await ctx.tx.select({ id: jurisdictions.id, code: jurisdictions.code, name: jurisdictions.nameJa }).from(jurisdictions).where(and(...centreWhere)).orderBy(asc(jurisdictions.code));
  const institutions = await ctx.tx
    .select({ id: medicalInstitutions.id, code: medicalInstitutions.code, name: medicalInstitutions.name })
    .from(medicalInstitutions)
    .innerJoin(jurisdictions, eq(jurisdictions.id, medicalInstitutions.jurisdictionId))
    .where(and(...instWhere))
    .orderBy(asc(medicalInstitutions.code));
  const all = [...centres.map((c) => ({ ...c, kind: 'health_centre' as const })), ...institutions.map((i) => ({ ...i, kind: 'institution' as const }))];
  return { resources: all.slice(input.offset, input.offset + input.count).map(toOrganization), more: all.length > input.offset + input.count };
}

export async function readOrganization({ ctx, input }: VerbArgs<{ id: string }>) {
  requirePermission(ctx.actor, 'readOrganization');
  const { resources } = await searchOrganizations({ ctx, input: { ids: [input.id], count: 1, offset: 0 } });
  if (!resources[0]) throw new NotFoundError('Organization', input.id);
  return resources[0];
}
