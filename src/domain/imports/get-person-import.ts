import { asc, eq } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import { personImportErrors, type ImportStatus } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { safeCell } from '../reports/csv-stream';
import { importInScope } from './import-scope';
import { requirePermission } from '../permissions';

export interface ImportError {
  row: number;
  field: string;
  column: string | null;
  message: string;
  messageJa: string;
}

export interface ImportState {
  id: string;
  /** 'uploaded' (before a run) is reported as 'queued': nothing has run yet. */
  status: Exclude<ImportStatus, 'uploaded'>;
  uploaded: boolean;
  dryRun: boolean;
  centreCode: string;
  centreNameJa: string;
  fileSha256: string;
  fileKind: string;
  total: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  failureJa: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  errors: ImportError[];
  errorsTruncated: boolean;
}

const MAX_ERRORS = 1000;

/**
 * An import's state for the progress bar and the API: status, counts and the refused rows
 * (row, field, column, message — no cell content, so the read needs no audit row).
 */
export async function getPersonImport({ ctx, input }: VerbArgs<{ importId: string }>): Promise<ImportState> {
  requirePermission(ctx.actor, 'getPersonImport');
  const imp = await importInScope(ctx, input.importId);
  const errors = await ctx.tx
    .select({ row: personImportErrors.row, field: personImportErrors.field, column: personImportErrors.columnName, message: personImportErrors.message, messageJa: personImportErrors.messageJa })
    .from(personImportErrors)
    .where(eq(personImportErrors.importId, imp.id))
    .orderBy(asc(personImportErrors.row))
    .limit(MAX_ERRORS + 1);
  return {
    id: imp.id,
    status: imp.status === 'uploaded' ? 'queued' : imp.status,
    uploaded: imp.status === 'uploaded',
    dryRun: imp.dryRun,
    centreCode: imp.centreCode,
    centreNameJa: imp.centreNameJa,
    fileSha256: imp.fileSha256,
    fileKind: imp.fileKind,
    total: imp.total,
    processed: imp.processed,
    created: imp.created,
    updated: imp.updated,
    unchanged: imp.unchanged,
    failed: imp.failed,
    failureJa: imp.failureJa,
    createdAt: imp.createdAt,
    finishedAt: imp.finishedAt,
    errors: errors.slice(0, MAX_ERRORS),
    errorsTruncated: errors.length > MAX_ERRORS,
  };
}

/**
 * 「エラー一覧」: every refused row as CSV (UTF-8 with BOM, CRLF, for Excel): row, column,
 * field, the Japanese and the English message. Audited as an export.
 */
export async function personImportErrorReport({ ctx, input }: VerbArgs<{ importId: string }>): Promise<{ fileName: string; bytes: Buffer }> {
  requirePermission(ctx.actor, 'personImportErrorReport');
  const imp = await importInScope(ctx, input.importId);
  const errors = await ctx.tx.select().from(personImportErrors).where(eq(personImportErrors.importId, imp.id)).orderBy(asc(personImportErrors.row));
  const records = [['行', '列', '項目', 'エラー内容', 'message'], ...errors.map((e) => [e.row, e.columnName ?? '', e.field, e.messageJa, e.message])];
  const csv = stringify(records.map((r) => r.map(safeCell)), { record_delimiter: 'windows' });
  await writeAudit(ctx, { action: 'export', entity: 'person_import', entityId: imp.id, details: { view: 'error_report', rows: errors.length } });
  return { fileName: `import-errors-${imp.id.slice(0, 8)}.csv`, bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv, 'utf8')]) };
}
