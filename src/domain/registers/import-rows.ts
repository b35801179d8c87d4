import { writeAudit } from '../audit';
import type { Ctx } from '../context';
import { DomainError, ValidationError } from '../errors';

/** One CSV row as read (src/platform/tabular/read-keyed-table.ts): its line and cells by header. */
export interface RegisterRow {
  line: number;
  cells: Record<string, string>;
}

export interface RowProblem {
  line: number;
  code: string;
  message: string;
  messageJa: string;
}

export interface RegisterImportResult {
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: RowProblem[];
}

/** The cell under the first of `names` (English and Japanese headers) present in the row. */
export function cell(row: RegisterRow, names: readonly string[]): string | undefined {
  for (const n of names) if (n in row.cells) return row.cells[n];
  return undefined;
}

/**
 * Import register rows one by one, each in its own savepoint: a bad row is refused with
 * its line number and a Japanese message, and the others go in. `apply` creates or updates
 * (same code → update) and says which; running the same file again changes nothing.
 * `label` turns a field name into the CSV column the operator sees. One more audit row
 * records the import itself.
 */
export async function importRows(
  ctx: Ctx,
  what: { entity: 'jurisdiction' | 'medical_institution'; fileSha256?: string },
  rows: RegisterRow[],
  codeOf: (row: RegisterRow) => string,
  apply: (ctx: Ctx, row: RegisterRow) => Promise<'created' | 'updated' | 'unchanged'>,
  label: (field: string) => string,
): Promise<RegisterImportResult> {
  const result: RegisterImportResult = { total: rows.length, created: 0, updated: 0, unchanged: 0, failed: 0, errors: [] };
  for (const row of rows) {
    try {
      const outcome = await ctx.tx.transaction((sp) => apply({ ...ctx, tx: sp }, row));
      result[outcome]++;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      result.failed++;
      const fields = err instanceof ValidationError ? err.fields : [];
      result.errors.push({
        line: row.line,
        code: codeOf(row),
        message: fields.length ? fields.map((f) => `${label(f.field)}: ${f.message}`).join('; ') : err.message,
        messageJa: fields.length ? fields.map((f) => `${label(f.field)}: ${f.messageJa ?? f.message}`).join('／') : (err.messageJa ?? err.message),
      });
    }
  }
  // Who imported what and how it went (counts and the file's hash, never its data).
  const { errors: _e, ...counts } = result;
  await writeAudit(ctx, { action: 'import', entity: what.entity, details: { ...counts, ...(what.fileSha256 ? { fileSha256: what.fileSha256 } : {}) } });
  return result;
}
