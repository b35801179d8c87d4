import { rm } from 'node:fs/promises';
import path from 'node:path';
import { and, eq, inArray, lt } from 'drizzle-orm';
import { fhirExports, jurisdictions } from '../../../db/schema';
import type { DbOrTx } from '../../../db/client';
import { jurisdictionScopePrefix } from '../access';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import type { ExportType } from './export-queries';
import { requirePermission } from '../permissions';

/** Export files are kept 24 hours, then removed (or at once on DELETE of the status URL). */
export const EXPORT_RETENTION_MS = 24 * 3600_000;

export const exportDir = (dataDir: string, exportId: string) => path.join(dataDir, 'fhir-exports', exportId);

export interface StartExportInput {
  clientId: string;
  groupCode: string | null;
  types: ExportType[];
  since: Date | null;
  requestUrl: string;
}

/**
 * Record a Bulk Data export request ($export or Group/{centre}/$export) for the worker. A
 * group must be a health centre within the client's jurisdiction — otherwise 404, as if
 * it did not exist. Audited (types, group; no personal data).
 */
export async function startFhirExport({ ctx, input }: VerbArgs<StartExportInput>): Promise<{ exportId: string }> {
  requirePermission(ctx.actor, 'startFhirExport');
  if (input.groupCode !== null) {
    const prefix = jurisdictionScopePrefix(ctx.actor);
    const [centre] = await ctx.tx.select({ path: jurisdictions.path }).from(jurisdictions).where(and(eq(jurisdictions.code, input.groupCode), eq(jurisdictions.kind, 'health_centre')));
    if (!centre || !prefix || !centre.path.startsWith(prefix)) throw new NotFoundError('Group', input.groupCode);
  }
  const [row] = await ctx.tx
    .insert(fhirExports)
    .values({ clientId: input.clientId, groupCode: input.groupCode, types: input.types, since: input.since, requestUrl: input.requestUrl, createdAt: ctx.now, expiresAt: new Date(ctx.now.getTime() + EXPORT_RETENTION_MS) })
    .returning({ id: fhirExports.id });
  await writeAudit(ctx, { action: 'export_requested', entity: 'fhir_export', entityId: row!.id, details: { types: input.types, group: input.groupCode, since: input.since?.toISOString() ?? null } });
  return { exportId: row!.id };
}

/** The client's own export (another client's answers 404), unless it was cancelled or has expired. */
export async function getFhirExport({ ctx, input }: VerbArgs<{ clientId: string; exportId: string }>) {
  requirePermission(ctx.actor, 'getFhirExport');
  const [row] = await ctx.tx.select().from(fhirExports).where(and(eq(fhirExports.id, input.exportId), eq(fhirExports.clientId, input.clientId)));
  if (!row || row.status === 'cancelled' || row.expiresAt <= ctx.now) throw new NotFoundError('export', input.exportId);
  return row;
}

/** DELETE of the status URL: the export stops (the worker checks between chunks) and its files go. Audited. */
export async function cancelFhirExport({ ctx, input }: VerbArgs<{ clientId: string; exportId: string; dataDir: string }>): Promise<void> {
  requirePermission(ctx.actor, 'cancelFhirExport');
  const row = await getFhirExport({ ctx, input });
  await ctx.tx.update(fhirExports).set({ status: 'cancelled', completedAt: ctx.now }).where(eq(fhirExports.id, row.id));
  await rm(exportDir(input.dataDir, row.id), { recursive: true, force: true });
  await writeAudit(ctx, { action: 'export_deleted', entity: 'fhir_export', entityId: row.id });
}

/** Remove the files of exports past their 24 hours (and of cancelled ones); the rows stay as the record. */
export async function sweepExpiredExports(db: DbOrTx, dataDir: string, now: Date): Promise<number> {
  const gone = await db
    .update(fhirExports)
    .set({ status: 'cancelled', output: [] })
    .where(and(lt(fhirExports.expiresAt, now), inArray(fhirExports.status, ['queued', 'running', 'completed', 'failed'])))
    .returning({ id: fhirExports.id });
  for (const g of gone) await rm(exportDir(dataDir, g.id), { recursive: true, force: true });
  return gone.length;
}

export const isCancelled = async (db: DbOrTx, exportId: string) =>
  (await db.select({ s: fhirExports.status }).from(fhirExports).where(eq(fhirExports.id, exportId)))[0]?.s === 'cancelled';

/** The path of one file of a completed export of the client's (404 otherwise). Audited as a download. */
export async function exportFileFor({ ctx, input }: VerbArgs<{ clientId: string; exportId: string; file: string; dataDir: string }>): Promise<string> {
  requirePermission(ctx.actor, 'exportFileFor');
  const row = await getFhirExport({ ctx, input });
  const item = row.status === 'completed' ? row.output.find((o) => o.file === input.file) : undefined;
  if (!item) throw new NotFoundError('export file', input.file);
  await writeAudit(ctx, { action: 'export_download', entity: 'fhir_export', entityId: row.id, details: { type: item.type, count: item.count } });
  return path.join(exportDir(input.dataDir, row.id), item.file);
}
