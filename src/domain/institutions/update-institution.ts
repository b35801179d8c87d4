import { eq } from 'drizzle-orm';
import { jurisdictions, medicalInstitutions } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { activeCentreByCode } from '../jurisdictions/find-jurisdiction';
import { parseInput } from '../validation';
import { requireManageInstitutionAt } from './institution-access';
import { normaliseInstitutionCode } from './institution-code';
import { institutionView, updateInstitutionSchema, type InstitutionView } from './institution-input';
import { requirePermission } from '../permissions';

/**
 * Change a medical institution's name, address, phone, the centre it reports to, or its
 * standing (`active: false` — it files no more notifications; persons it reported keep it).
 * The actor must be allowed at the current centre and, when it changes, at the new one.
 */
export async function updateInstitution({ ctx, input }: VerbArgs<{ code: string; change: unknown }>): Promise<{ institution: InstitutionView; changed: string[] }> {
  requirePermission(ctx.actor, 'updateInstitution');
  const code = normaliseInstitutionCode(input.code);
  const [found] = await ctx.tx
    .select({ i: medicalInstitutions, centre: jurisdictions })
    .from(medicalInstitutions)
    .innerJoin(jurisdictions, eq(jurisdictions.id, medicalInstitutions.jurisdictionId))
    .where(eq(medicalInstitutions.code, code))
    .for('update', { of: medicalInstitutions });
  if (!found) throw new NotFoundError('medical_institution', code.slice(0, 40));
  requireManageInstitutionAt(ctx.actor, found.centre);
  const f = parseInput(updateInstitutionSchema, input.change);
  const { centreCode, ...rest } = f;
  const set: Partial<typeof medicalInstitutions.$inferInsert> = { ...rest };
  let centre = found.centre;
  if (centreCode !== undefined && centreCode !== found.centre.code) {
    centre = await activeCentreByCode(ctx, centreCode, 'centreCode');
    requireManageInstitutionAt(ctx.actor, centre);
    set.jurisdictionId = centre.id;
  }
  const changed = Object.entries(set)
    .filter(([k, v]) => JSON.stringify(v ?? null) !== JSON.stringify((found.i as Record<string, unknown>)[k] ?? null))
    .map(([k]) => (k === 'jurisdictionId' ? 'centreCode' : k));
  let row = found.i;
  if (changed.length) {
    [row] = (await ctx.tx.update(medicalInstitutions).set({ ...set, updatedAt: ctx.now }).where(eq(medicalInstitutions.id, found.i.id)).returning()) as [typeof row];
    await writeAudit(ctx, { action: set.active === false ? 'deactivate' : 'update', entity: 'medical_institution', entityId: row.id, details: { code, fields: changed } });
  }
  return { institution: institutionView(row, centre.code), changed };
}
