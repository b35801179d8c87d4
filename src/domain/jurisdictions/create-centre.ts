import { eq } from 'drizzle-orm';
import { jurisdictions } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError } from '../errors';
import { parseInput } from '../validation';
import { createCentreSchema, jurisdictionView, type JurisdictionView } from './centre-input';
import { requireManageCentre } from './centre-access';
import { prefectureByCode } from './find-jurisdiction';
import { requirePermission } from '../permissions';

/**
 * Create a health centre (保健所) under a prefecture — a prefecture's own centre, or one run
 * by a designated city, core city or Tokyo special ward (保健所設置市・特別区): all sit
 * under their prefecture in the tree, so the prefecture's officers and statistics cover them.
 * national_officer: any prefecture; prefecture_officer: their own.
 */
export async function createCentre({ ctx, input }: VerbArgs<unknown>): Promise<JurisdictionView> {
  requirePermission(ctx.actor, 'createCentre');
  const f = parseInput(createCentreSchema, input);
  const prefecture = await prefectureByCode(ctx, f.parentCode);
  const path = `${prefecture.path}${f.code}/`;
  requireManageCentre(ctx.actor, { path }, 'create');
  const [clash] = await ctx.tx.select({ id: jurisdictions.id }).from(jurisdictions).where(eq(jurisdictions.code, f.code));
  if (clash) throw new ConflictError('a jurisdiction with this code already exists', { code: f.code }, 'このコードの保健所（管轄）はすでにあります');
  const [row] = await ctx.tx
    .insert(jurisdictions)
    .values({
      kind: 'health_centre',
      parentId: prefecture.id,
      code: f.code,
      path,
      nameJa: f.nameJa,
      nameEn: f.nameEn,
      phone: f.phone ?? null,
      afterHoursPhone: f.afterHoursPhone ?? null,
      contactPhone: f.contactPhone ?? null,
      openingHours: f.openingHours ? JSON.stringify(f.openingHours) : null,
      roundTimes: f.roundTimes ?? null,
      quietHours: f.quietHours ?? null,
      municipalities: f.municipalities ?? [],
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .returning();
  await writeAudit(ctx, { action: 'create', entity: 'jurisdiction', entityId: row!.id, details: { code: f.code, parentCode: f.parentCode } });
  return jurisdictionView(row!, prefecture.code);
}
