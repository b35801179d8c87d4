import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { EXPORT_ENCODINGS } from '../../domain/reports/csv-stream';
import { exportCsv } from '../../domain/reports/run-export';
import { requestInfo } from '../auth/request-info';
import type { AdminContext, AdminEnv } from '../auth/types';
import { registerRoute } from './openapi';

/**
 * GET /api/v1/export/persons.csv and /observations.csv — the caller's scope as CSV,
 * streamed as it is read. `encoding=shift_jis` gives CP932 for Excel in Japan; the default
 * is UTF-8 with a BOM. The browser's session cookie works too, so the console links here.
 */
export function createExportApiRoutes(deps: Deps) {
  const app = new Hono<AdminEnv>();
  const send = (c: AdminContext, kind: 'persons' | 'observations') => {
    const q = c.req.query();
    const { stream, filename } = exportCsv(deps, c.get('actor'), requestInfo(c), {
      kind, encoding: q.encoding as never, lang: (q.lang ?? c.get('lang')) as never, from: q.from, to: q.to,
    });
    const charset = q.encoding === 'shift_jis' ? 'Shift_JIS' : 'utf-8';
    return new Response(Readable.toWeb(stream) as unknown as ReadableStream, {
      headers: {
        'content-type': `text/csv; charset=${charset}`,
        'content-disposition': `attachment; filename="${filename}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  };
  app.get('/export/persons.csv', (c) => send(c, 'persons'));
  app.get('/export/observations.csv', (c) => send(c, 'observations'));
  return app;
}

const encoding = z.enum(EXPORT_ENCODINGS).default('utf-8').describe('utf-8 (with BOM) or shift_jis (CP932, for Excel in Japan)');
const lang = z.enum(['ja', 'en']).optional().describe('header and label language; default the console language');
const csv = { 200: { description: 'CSV, streamed', schema: z.string(), contentType: 'text/csv' }, 422: 'bad encoding or dates' };
registerRoute({ method: 'get', path: '/export/persons.csv', summary: 'Persons in your scope as CSV (audited)', tags: ['reports'], query: z.object({ encoding, lang }), responses: csv });
registerRoute({
  method: 'get', path: '/export/observations.csv', summary: 'Observations of the persons in your scope as CSV (audited)', tags: ['reports'],
  query: z.object({ encoding, lang, from: z.iso.date().optional(), to: z.iso.date().optional() }), responses: csv,
});
