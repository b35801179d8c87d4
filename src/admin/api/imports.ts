import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { getPersonImport, personImportErrorReport } from '../../domain/imports/get-person-import';
import { decideDuplicate, listImportDuplicates } from '../../domain/imports/import-duplicates';
import { mergePersons } from '../../domain/persons/merge-persons';
import { idParam, runVerb } from '../auth/run-verb';
import type { AdminEnv } from '../auth/types';
import { IMPORT_BODY_LIMIT, uploadAndStart } from '../pages/imports/actions';
import { jsonBody } from './json-body';
import { registerRoute } from './openapi';

const iid = { id: 'import id (UUID)' };
const uploadSchema = z.object({
  file: z.string().describe('the line list: CSV (UTF-8 with or without BOM, or Shift_JIS as Excel saves it) or XLSX, at most 20 MB and 200,000 rows'),
  centreCode: z.string().optional().describe('the health centre to import into; default your own centre'),
  dryRun: z.enum(['true', 'false']).optional().describe('true: check every row and count, store nothing'),
});
const errorSchema = z.object({ row: z.number(), field: z.string(), column: z.string().nullable(), message: z.string(), messageJa: z.string() });
const stateSchema = z.object({
  id: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  dryRun: z.boolean(),
  total: z.number(),
  processed: z.number(),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  failed: z.number(),
  failureJa: z.string().nullable(),
  errors: z.array(errorSchema),
  errorsTruncated: z.boolean(),
});
registerRoute({
  method: 'post', path: '/imports/persons', summary: 'Upload a line list of persons (multipart field `file`); the import runs as a background job', tags: ['imports'],
  body: uploadSchema, bodyContentType: 'multipart/form-data',
  responses: { 202: { description: 'accepted: { id } — poll GET /imports/{id}', schema: z.object({ id: z.string() }) }, 413: 'larger than 25 MB', 429: 'the job queue is not reachable; try again' },
});
registerRoute({ method: 'get', path: '/imports/{id}', summary: 'An import\'s status, counts and refused rows (row, field, column, message, messageJa)', tags: ['imports'], params: iid, responses: { 200: { description: 'the import', schema: stateSchema } } });
registerRoute({ method: 'get', path: '/imports/{id}/errors.csv', summary: 'The refused rows as CSV (UTF-8 with BOM; audited)', tags: ['imports'], params: iid, responses: { 200: { description: 'CSV', schema: z.string(), contentType: 'text/csv' } } });
registerRoute({ method: 'get', path: '/imports/{id}/duplicates', summary: 'Possible duplicates of the persons an import created (same kana and birth date, or same phone); audited', tags: ['imports'], params: iid });
registerRoute({
  method: 'post', path: '/duplicates/{id}', summary: 'Decide a possible duplicate: `merge` (into the existing person; every observation, alert, note, channel and audit row kept) or `keep_apart`', tags: ['imports'],
  params: { id: 'duplicate candidate id (UUID)' }, body: z.object({ decision: z.enum(['merge', 'keep_apart']) }),
});
registerRoute({ method: 'post', path: '/persons/{id}/merge', summary: 'Merge another person into this one (`mergePersonId`); the other person\'s records move here', tags: ['persons'], params: { id: 'the person kept' }, body: z.object({ mergePersonId: z.string() }) });

/** /api/v1/imports: bulk intake of persons (line lists), duplicates and merging. */
export function createImportApi(deps: Deps) {
  const app = new Hono<AdminEnv>();
  const limit = bodyLimit({
    maxSize: IMPORT_BODY_LIMIT,
    onError: (c) => c.json({ code: 'payload_too_large', message: 'the upload is larger than 25 MB', messageJa: 'ファイルが大きすぎます（上限 20 MB）', requestId: c.get('requestId') }, 413),
  });
  app.post('/imports/persons', limit, async (c) => {
    const { id } = await uploadAndStart(deps, c, { start: true });
    return c.json({ id }, 202);
  });
  app.get('/imports/:id', async (c) => {
    const importId = idParam(c, 'id', 'person_import');
    const s = await runVerb(deps, c, (ctx) => getPersonImport({ ctx, input: { importId } }));
    const { uploaded: _u, centreCode: _c, centreNameJa: _n, fileSha256: _h, fileKind: _k, createdAt: _a, finishedAt: _f, ...state } = s;
    return c.json(state);
  });
  app.get('/imports/:id/errors.csv', async (c) => {
    const importId = idParam(c, 'id', 'person_import');
    const { fileName, bytes } = await runVerb(deps, c, (ctx) => personImportErrorReport({ ctx, input: { importId } }));
    return c.body(new Uint8Array(bytes), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${fileName}"`, 'x-content-type-options': 'nosniff' });
  });
  app.get('/imports/:id/duplicates', async (c) => {
    const importId = idParam(c, 'id', 'person_import');
    return c.json(await runVerb(deps, c, (ctx) => listImportDuplicates({ ctx, input: { importId } })));
  });
  app.post('/duplicates/:id', async (c) => {
    const candidateId = idParam(c, 'id', 'duplicate');
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => decideDuplicate({ ctx, input: { candidateId, decision: body.decision } })));
  });
  app.post('/persons/:id/merge', async (c) => {
    const keepPersonId = idParam(c, 'id', 'person');
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => mergePersons({ ctx, input: { keepPersonId, mergePersonId: String(body.mergePersonId ?? '') } })));
  });
  return app;
}
