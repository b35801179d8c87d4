import type { Context } from 'hono';
import type { Deps } from '../../../deps';
import { DomainError } from '../../../domain/errors';
import { createPersonImport } from '../../../domain/imports/create-person-import';
import { importJobId, startPersonImport, unqueuePersonImport } from '../../../domain/imports/start-person-import';
import { ValidationError } from '../../../domain/errors';
import { personImportJob } from '../../../jobs/person-import';
import { runVerb } from '../../auth/run-verb';
import type { AdminContext } from '../../auth/types';

/** The most an upload may be: the 20 MB a file may have, and room for the multipart framing. */
export const IMPORT_BODY_LIMIT = 25 * 1024 * 1024;

export class QueueUnavailableError extends DomainError {
  override readonly messageJa = 'ジョブを登録できませんでした。しばらくしてからもう一度お試しください';
  constructor() {
    super('queue_unavailable', 429, 'the job queue is not reachable; try again shortly');
  }
}

/** The uploaded file of a multipart form (field `file`), as bytes and its name. */
export async function uploadedFile(c: Context): Promise<{ bytes: Buffer; fileName: string; fields: Record<string, string> }> {
  const body = await c.req.parseBody();
  const file = body.file;
  if (!(file instanceof File)) throw new ValidationError([{ field: 'file', message: 'choose a CSV or XLSX file (multipart field "file")', messageJa: '取り込むファイル（CSV または Excel）を選んでください' }]);
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') fields[k] = v;
  return { bytes: Buffer.from(await file.arrayBuffer()), fileName: file.name, fields };
}

/** Start a run of an import and enqueue its job after commit; a refused enqueue undoes the start. */
export async function startImportJob(deps: Deps, c: AdminContext, importId: string, dryRun: boolean): Promise<void> {
  const started = await runVerb(deps, c, (ctx) => startPersonImport({ ctx, input: { importId, dryRun } }));
  const queued = await deps.jobs.trigger(personImportJob, { importId }, { jobId: importJobId(importId, started.run) });
  if (!queued) {
    await runVerb(deps, c, (ctx) => unqueuePersonImport({ ctx, input: { importId } }));
    throw new QueueUnavailableError();
  }
}

/** Upload, store and (API) start at once: the id of the new import. */
export async function uploadAndStart(deps: Deps, c: AdminContext, opts: { start: boolean }): Promise<{ id: string; total: number }> {
  const { bytes, fileName, fields } = await uploadedFile(c);
  const created = await runVerb(deps, c, (ctx) => createPersonImport({ ctx, input: { bytes, fileName, centreCode: fields.centreCode || undefined } }));
  if (opts.start) await startImportJob(deps, c, created.id, ['1', 'true', 'on', 'yes'].includes((fields.dryRun ?? '').toLowerCase()));
  return { id: created.id, total: created.total };
}
