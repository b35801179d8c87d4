import { z } from 'zod';
import { EXPORT_RETENTION_MS, sweepExpiredExports } from '../domain/fhir/fhir-exports';
import { runFhirExport } from '../domain/fhir/run-export';
import type { JobRunner } from './runner';
import { defineJob } from './define';

/** One FHIR Bulk Data export (src/domain/fhir/run-export.ts). Payload: the export's id only. */
export const fhirExportJob = defineJob({
  name: 'fhir.export',
  queue: 'exports',
  version: 1,
  payload: z.object({ exportId: z.uuid() }),
  jobId: ({ exportId }) => `fhir-export:${exportId}`,
  handler: async ({ exportId }, deps) => {
    await sweepExpiredExports(deps.db, deps.env.DATA_DIR, deps.now());
    await runFhirExport({ db: deps.db, dbHandle: deps.dbHandle, now: deps.now, dataDir: deps.env.DATA_DIR }, exportId);
  },
});

/** Removes the files of exports past their 24 hours; enqueued, delayed, with each export (and the next export sweeps too). */
export const fhirExportCleanupJob = defineJob({
  name: 'fhir.export-cleanup',
  queue: 'exports',
  version: 1,
  payload: z.object({ exportId: z.uuid() }),
  jobId: ({ exportId }) => `fhir-export-cleanup:${exportId}`,
  handler: async (_payload, deps) => {
    await sweepExpiredExports(deps.db, deps.env.DATA_DIR, deps.now());
  },
});

/** Queue the export and, 24 hours (and a minute) later, its clean-up. False if Redis is down. */
export async function enqueueFhirExport(jobs: JobRunner, exportId: string): Promise<boolean> {
  const queued = await jobs.trigger(fhirExportJob, { exportId });
  await jobs.trigger(fhirExportCleanupJob, { exportId }, { delay: EXPORT_RETENTION_MS + 60_000 });
  return queued;
}
