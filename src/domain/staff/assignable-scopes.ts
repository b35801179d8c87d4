import { asc, inArray, like } from 'drizzle-orm';
import { jurisdictions, medicalInstitutions } from '../../../db/schema';
import { jurisdictionScopePrefix } from '../access';
import type { VerbArgs } from '../context';
import { requirePermission } from '../permissions';

export interface ScopeOption {
  /** `j:<code>` for a jurisdiction, `i:<code>` for a medical institution. */
  value: string;
  kind: 'health_centre' | 'prefecture' | 'nation' | 'institution';
  code: string;
  nameJa: string;
  nameEn: string;
}

/**
 * The jurisdictions (health centres, prefectures, the nation) and medical institutions an
 * administrator may assign staff to — within their own jurisdiction — for the pickers of
 * the staff and invitation pages (chosen from a list, never typed codes).
 */
export async function listAssignableScopes({ ctx }: VerbArgs<unknown>): Promise<ScopeOption[]> {
  requirePermission(ctx.actor, 'listAssignableScopes');
  const prefix = jurisdictionScopePrefix(ctx.actor) ?? '\u0000';
  const js = await ctx.tx
    .select({ code: jurisdictions.code, kind: jurisdictions.kind, nameJa: jurisdictions.nameJa, nameEn: jurisdictions.nameEn })
    .from(jurisdictions)
    .where(like(jurisdictions.path, `${prefix}%`))
    .orderBy(asc(jurisdictions.path))
    .limit(5000);
  const centres = await ctx.tx.select({ id: jurisdictions.id }).from(jurisdictions).where(like(jurisdictions.path, `${prefix}%`));
  const insts = centres.length
    ? await ctx.tx
        .select({ code: medicalInstitutions.code, name: medicalInstitutions.name })
        .from(medicalInstitutions)
        .where(inArray(medicalInstitutions.jurisdictionId, centres.map((c) => c.id)))
        .orderBy(asc(medicalInstitutions.code))
        .limit(5000)
    : [];
  return [
    ...js.map((j) => ({ value: `j:${j.code}`, kind: j.kind as ScopeOption['kind'], code: j.code, nameJa: j.nameJa, nameEn: j.nameEn ?? j.nameJa })),
    ...insts.map((i) => ({ value: `i:${i.code}`, kind: 'institution' as const, code: i.code, nameJa: i.name, nameEn: i.name })),
  ];
}

/** A picker value back into the codes the staff verbs take. */
export function scopeCodes(value: string): { jurisdictionCode?: string; institutionCode?: string } {
  if (value.startsWith('i:')) return { institutionCode: value.slice(2) };
  if (value.startsWith('j:')) return { jurisdictionCode: value.slice(2) };
  return { jurisdictionCode: value };
}

