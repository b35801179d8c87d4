import { eq } from 'drizzle-orm';
import { medicalInstitutions } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError } from '../errors';
import { activeCentreByCode } from '../jurisdictions/find-jurisdiction';
import { parseInput } from '../validation';
import { requireManageInstitutionAt } from './institution-access';
import { createInstitutionSchema, institutionView, type InstitutionView } from './institution-input';
import { requirePermission } from '../permissions';

/** Register a medical institution (医療機関) reporting to an active health centre. */
export async function createInstitution({ ctx, input }: VerbArgs<unknown>): Promise<InstitutionView> {
  requirePermission(ctx.actor, 'createInstitution');
  const f = parseInput(createInstitutionSchema, input);
  const centre = await activeCentreByCode(ctx, f.centreCode, 'centreCode');
  requireManageInstitutionAt(ctx.actor, centre);
  const [clash] = await ctx.tx.select({ id: medicalInstitutions.id }).from(medicalInstitutions).where(eq(medicalInstitutions.code, f.code));
  if (clash) throw new ConflictError('a medical institution with this code already exists', { code: f.code }, 'この医療機関コードはすでに登録されています');
  const [row] = await ctx.tx
    .insert(medicalInstitutions)
    .values({ code: f.code, name: f.name, address: f.address ?? null, phone: f.phone ?? null, jurisdictionId: centre.id, createdAt: ctx.now, updatedAt: ctx.now })
    .returning();
  await writeAudit(ctx, { action: 'create', entity: 'medical_institution', entityId: row!.id, details: { code: f.code, centreCode: centre.code } });
  return institutionView(row!, centre.code);
}
