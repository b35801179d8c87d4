import { eq } from 'drizzle-orm';
import { personImportErrors, personImports } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError, ValidationError } from '../errors';
import { importInScope } from './import-scope';
import { mappingProblems } from './person-columns';
import { requirePermission } from '../permissions';

/**
 * Queue an uploaded import (or its dry run) for the background job: the counts and errors of
 * any earlier run are cleared, and `run` numbers this start (the job id carries it, so a
 * double click enqueues one job). The door enqueues the job after commit.
 */
export async function startPersonImport({ ctx, input }: VerbArgs<{ importId: string; dryRun: boolean }>): Promise<{ id: string; run: number; dryRun: boolean }> {
  requirePermission(ctx.actor, 'startPersonImport');
  const imp = await importInScope(ctx, input.importId, { forUpdate: true });
  if (imp.status === 'queued' || imp.status === 'running') return { id: imp.id, run: imp.runs, dryRun: imp.dryRun };
  if (!imp.fileData) throw new ConflictError('this file has already been imported', undefined, 'このファイルは取り込み済みです。もう一度取り込むにはファイルをアップロードし直してください');
  const problems = mappingProblems(imp.mapping, imp.header.length);
  if (problems.length) throw new ValidationError(problems);
  const run = imp.runs + 1;
  await ctx.tx.delete(personImportErrors).where(eq(personImportErrors.importId, imp.id));
  await ctx.tx
    .update(personImports)
    .set({ status: 'queued', dryRun: input.dryRun, runs: run, processed: 0, created: 0, updated: 0, unchanged: 0, failed: 0, failureJa: null, startedAt: null, finishedAt: null })
    .where(eq(personImports.id, imp.id));
  await writeAudit(ctx, { action: input.dryRun ? 'start_dry_run' : 'start', entity: 'person_import', entityId: imp.id, details: { run } });
  return { id: imp.id, run, dryRun: input.dryRun };
}

/** Undo a start whose job could not be enqueued (Redis down): the import can be started again. */
export async function unqueuePersonImport({ ctx, input }: VerbArgs<{ importId: string }>): Promise<void> {
  requirePermission(ctx.actor, 'unqueuePersonImport');
  const imp = await importInScope(ctx, input.importId, { forUpdate: true });
  if (imp.status === 'queued') await ctx.tx.update(personImports).set({ status: 'uploaded' }).where(eq(personImports.id, imp.id));
}

/** The job id of one run of an import. */
export const importJobId = (importId: string, run: number) => `person-import:${importId}:${run}`;
