import { and, eq } from 'drizzle-orm';
import { jurisdictions } from '../../../db/schema';
import type { Ctx } from '../context';
import { NotFoundError, ValidationError } from '../errors';

export type JurisdictionRow = typeof jurisdictions.$inferSelect;

/** A health centre by code (locked for update when asked), or 404. */
export async function centreByCode(ctx: Ctx, code: string, opts: { forUpdate?: boolean } = {}): Promise<JurisdictionRow> {
  const q = ctx.tx.select().from(jurisdictions).where(and(eq(jurisdictions.code, code), eq(jurisdictions.kind, 'health_centre')));
  const [row] = opts.forUpdate ? await q.for('update') : await q;
  if (!row) throw new NotFoundError('jurisdiction', code.slice(0, 40));
  return row;
}

/** A prefecture by its JIS code, or a 422 on `field`. */
export async function prefectureByCode(ctx: Ctx, code: string, field = 'parentCode'): Promise<JurisdictionRow> {
  const [row] = await ctx.tx.select().from(jurisdictions).where(and(eq(jurisdictions.code, code), eq(jurisdictions.kind, 'prefecture')));
  if (!row) throw new ValidationError([{ field, message: 'unknown prefecture', messageJa: '都道府県が見つかりません' }]);
  return row;
}

/** An active health centre by code for a new person, institution or notification, or a 422 on `field`. */
export async function activeCentreByCode(ctx: Ctx, code: string, field: string): Promise<JurisdictionRow> {
  const [row] = await ctx.tx.select().from(jurisdictions).where(and(eq(jurisdictions.code, code), eq(jurisdictions.kind, 'health_centre')));
  if (!row) throw new ValidationError([{ field, message: 'unknown health centre', messageJa: '保健所が見つかりません' }]);
  if (!row.active) throw new ValidationError([{ field, message: 'this health centre is deactivated', messageJa: 'この保健所は廃止（無効）になっています' }]);
  return row;
}
