import { eq } from 'drizzle-orm';
import { medicalInstitutions } from '../../../db/schema';
import type { VerbArgs } from '../context';
import { cell, importRows, type RegisterImportResult, type RegisterRow } from '../registers/import-rows';
import { createInstitution } from './create-institution';
import { normaliseInstitutionCode } from './institution-code';
import { updateInstitution } from './update-institution';
import { requirePermission } from '../permissions';

/** CSV columns (English or Japanese header) → institution fields. README: "Setting up a real deployment". */
export const INSTITUTION_COLUMNS = {
  code: ['code', '医療機関コード'],
  name: ['name', '名称', '医療機関名'],
  address: ['address', '所在地', '住所'],
  phone: ['phone', '電話番号'],
  centreCode: ['centre_code', '保健所コード'],
  active: ['active', '有効'],
} as const;

const LABELS: Record<string, string> = { code: 'code（医療機関コード）', name: 'name（名称）', address: 'address（所在地）', phone: 'phone（電話番号）', centreCode: 'centre_code（保健所コード）' };
const label = (field: string) => LABELS[field] ?? field;

/**
 * `npm run cli -- import-institutions FILE` (and the console's upload): medical
 * institutions from CSV rows; a code already registered is updated, a new one created.
 * Runs with the importing actor's rights (each row checked like a single create/update).
 */
export async function importInstitutions({ ctx, input }: VerbArgs<{ rows: RegisterRow[]; fileSha256?: string }>): Promise<RegisterImportResult> {
  requirePermission(ctx.actor, 'importInstitutions');
  const { rows, fileSha256 } = input;
  const codeOf = (row: RegisterRow) => normaliseInstitutionCode(cell(row, INSTITUTION_COLUMNS.code) ?? '');
  return importRows(
    ctx,
    { entity: 'medical_institution', fileSha256 },
    rows,
    codeOf,
    async (c, row) => {
      const code = codeOf(row);
      const input: Record<string, unknown> = {};
      for (const k of ['name', 'address', 'phone', 'centreCode'] as const) {
        const v = cell(row, INSTITUTION_COLUMNS[k]);
        if (v !== undefined) input[k] = v;
      }
      const a = cell(row, INSTITUTION_COLUMNS.active);
      if (a) input.active = !/^(0|false|no|いいえ|無効|廃止)$/i.test(a);
      const [existing] = code ? await c.tx.select({ id: medicalInstitutions.id }).from(medicalInstitutions).where(eq(medicalInstitutions.code, code)) : [];
      if (!existing) {
        const { active, ...create } = input;
        await createInstitution({ ctx: c, input: { ...create, code: cell(row, INSTITUTION_COLUMNS.code) ?? '' } });
        if (active === false) await updateInstitution({ ctx: c, input: { code, change: { active: false } } });
        return 'created';
      }
      const { changed } = await updateInstitution({ ctx: c, input: { code, change: input } });
      return changed.length ? 'updated' : 'unchanged';
    },
    label,
  );
}
