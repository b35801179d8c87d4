import { eq } from 'drizzle-orm';
import { personImports } from '../../../db/schema';
import { openTable } from '../../platform/tabular/read-table';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError, ValidationError } from '../errors';
import { importInScope } from './import-scope';
import { type ColumnMapping, IMPORT_COLUMNS, mappingProblems } from './person-columns';
import { type RowProblem, rowToPerson } from './row-to-person';
import { requirePermission } from '../permissions';

export interface ImportPreview {
  id: string;
  status: string;
  total: number;
  header: string[];
  mapping: ColumnMapping;
  mappingProblems: { field: string; message: string; messageJa: string }[];
  rows: { row: number; cells: string[]; problems: RowProblem[] }[];
}

/**
 * The first rows of an uploaded file as they would be read with the current mapping, each
 * problem at its cell (field, column, Japanese message) — before anything is imported.
 * The file holds personal data: the read is audited.
 */
export async function previewPersonImport({ ctx, input }: VerbArgs<{ importId: string; limit?: number }>): Promise<ImportPreview> {
  requirePermission(ctx.actor, 'previewPersonImport');
  const imp = await importInScope(ctx, input.importId);
  if (!imp.fileData) throw new ConflictError('the file of this import is no longer kept (it has been imported)', undefined, 'このファイルは取り込み済みのため保存されていません');
  const table = await openTable(imp.fileData);
  const rows: ImportPreview['rows'] = [];
  const limit = Math.min(Math.max(input.limit ?? 20, 1), 200);
  for await (const r of table.rows()) {
    rows.push({ row: r.row, cells: r.cells, problems: rowToPerson(r, imp.mapping, imp.header).problems });
    if (rows.length >= limit) break;
  }
  await writeAudit(ctx, { action: 'read', entity: 'person_import', entityId: imp.id, details: { view: 'preview', rows: rows.length } });
  return { id: imp.id, status: imp.status, total: imp.total, header: imp.header, mapping: imp.mapping, mappingProblems: mappingProblems(imp.mapping, imp.header.length), rows };
}

/** The mapping step: which column each field is read from (a field left out is not imported). */
export async function setPersonImportMapping({ ctx, input }: VerbArgs<{ importId: string; mapping: unknown }>): Promise<{ id: string; mapping: ColumnMapping }> {
  requirePermission(ctx.actor, 'setPersonImportMapping');
  const imp = await importInScope(ctx, input.importId, { forUpdate: true });
  if (imp.status === 'queued' || imp.status === 'running') throw new ConflictError('the import is running', undefined, '取り込み中は列の対応を変更できません');
  const raw = input.mapping;
  if (typeof raw !== 'object' || raw === null) throw new ValidationError([{ field: 'mapping', message: 'must be an object', messageJa: '列の対応を指定してください' }]);
  const mapping: ColumnMapping = {};
  for (const col of IMPORT_COLUMNS) {
    const v = (raw as Record<string, unknown>)[col.key];
    if (v === undefined || v === null || v === '') continue;
    const n = typeof v === 'number' ? v : Number(v);
    mapping[col.key] = n;
  }
  const problems = mappingProblems(mapping, imp.header.length).filter((p) => p.message === 'no such column');
  if (problems.length) throw new ValidationError(problems);
  await ctx.tx.update(personImports).set({ mapping }).where(eq(personImports.id, imp.id));
  await writeAudit(ctx, { action: 'update', entity: 'person_import', entityId: imp.id, details: { fields: ['mapping'] } });
  return { id: imp.id, mapping };
}
