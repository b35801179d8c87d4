import { createHash } from 'node:crypto';
import { personImports } from '../../../db/schema';
import { inspectTable } from '../../platform/tabular/read-table';
import { TableError } from '../../platform/tabular/table-error';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ValidationError } from '../errors';
import { resolveImportCentre } from './import-scope';
import { autoMapping, type ColumnMapping } from './person-columns';
import { requirePermission } from '../permissions';

export interface CreatedImport {
  id: string;
  total: number;
  header: string[];
  mapping: ColumnMapping;
}

/**
 * Take an uploaded line list (CSV or XLSX): read it through once — a file that is no table,
 * too large, too long, a zip bomb, a macro workbook, empty or a header only is refused with
 * nothing stored — then keep it in the database (never in Redis) with the column mapping
 * guessed from its headers, for the preview, the mapping step and the job. Audited with the
 * file's hash and counts, never its content.
 * Roles: nurse and centre_admin (own centre), prefecture_officer (centres of the
 * prefecture), national_officer.
 */
export async function createPersonImport({ ctx, input }: VerbArgs<{ bytes: Buffer; fileName?: string; centreCode?: string }>): Promise<CreatedImport> {
  requirePermission(ctx.actor, 'createPersonImport');
  const centre = await resolveImportCentre(ctx, input.centreCode || undefined);
  let summary;
  try {
    summary = await inspectTable(input.bytes, { fileName: input.fileName });
  } catch (err) {
    if (err instanceof TableError) throw new ValidationError([{ field: 'file', message: err.message, messageJa: err.messageJa }]);
    throw err;
  }
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const mapping = autoMapping(summary.header);
  const [row] = await ctx.tx
    .insert(personImports)
    .values({
      centreId: centre.id,
      createdBy: ctx.actor.kind === 'staff' ? ctx.actor.staffId : null,
      fileKind: summary.kind,
      fileEncoding: summary.encoding,
      fileSha256: sha256,
      fileBytes: input.bytes.length,
      fileData: input.bytes,
      header: summary.header,
      mapping,
      total: summary.rowCount,
      createdAt: ctx.now,
    })
    .returning({ id: personImports.id });
  await writeAudit(ctx, { action: 'upload', entity: 'person_import', entityId: row!.id, details: { sha256, bytes: input.bytes.length, kind: summary.kind, rows: summary.rowCount } });
  return { id: row!.id, total: summary.rowCount, header: summary.header, mapping };
}
