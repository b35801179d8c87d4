import { z } from 'zod';
import type { Deps } from '../deps';
import { markPersonImportFailed, runPersonImport } from '../domain/imports/run-person-import';
import { defineJob } from './define';

/**
 * One run of a bulk person import (or its dry run). The payload is the import's id only:
 * the file waits in the database (person_imports.file_data), never in Redis. A retry after
 * a crash runs the import again; rows already committed are found by case number and
 * change nothing. Job id: importJobId(importId, run) (src/domain/imports/start-person-import.ts).
 */
export const personImportJob = defineJob({
  name: 'imports.persons',
  queue: 'imports',
  version: 1,
  payload: z.object({ importId: z.uuid() }),
  handler: async ({ importId }, deps: Deps, job) => {
    try {
      return await runPersonImport(deps.db, importId, { now: deps.now });
    } catch (err) {
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await markPersonImportFailed(deps.db, importId, deps.now());
      throw err;
    }
  },
});
