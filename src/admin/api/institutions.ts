import { Hono } from 'hono';
import type { Deps } from '../../deps';
import { createInstitution } from '../../domain/institutions/create-institution';
import { importInstitutions } from '../../domain/institutions/import-institutions';
import { createInstitutionSchema, updateInstitutionSchema } from '../../domain/institutions/institution-input';
import { listInstitutions, listInstitutionsSchema } from '../../domain/institutions/list-institutions';
import { updateInstitution } from '../../domain/institutions/update-institution';
import { runVerb } from '../auth/run-verb';
import type { AdminEnv } from '../auth/types';
import { jsonBody } from './json-body';
import { registerRoute } from './openapi';
import { registerUpload } from './register-upload';

registerRoute({ method: 'get', path: '/institutions', summary: 'Medical institutions (a clinician: their own)', tags: ['institutions'], query: listInstitutionsSchema });
registerRoute({
  method: 'post',
  path: '/institutions',
  summary: 'Register a medical institution (医療機関コード: 10 digits, prefecture 01–47 + score table 1/3/4/6 + 7) reporting to a health centre (national officer; prefecture officer; the centre administrator)',
  tags: ['institutions'],
  body: createInstitutionSchema,
  responses: { 201: 'created', 403: 'outside what you may manage', 409: 'code already registered' },
});
registerRoute({ method: 'patch', path: '/institutions/{code}', summary: 'Change a medical institution (name, address, phone, centreCode, active)', tags: ['institutions'], params: { code: '医療機関コード' }, body: updateInstitutionSchema, responses: { 200: '{ institution, changed }', 403: 'outside what you may manage' } });
registerRoute({ method: 'post', path: '/institutions/import', summary: 'Create or update medical institutions from a CSV file (multipart field file, or text/csv body); bad rows listed with their line', tags: ['institutions'], responses: { 200: '{ total, created, updated, unchanged, failed, errors: [{ line, code, message, messageJa }] }' } });

/** /api/v1/institutions: medical institutions (医療機関) — list, register, change, import. */
export function createInstitutionApi(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.get('/institutions', async (c) => c.json({ institutions: await runVerb(deps, c, (ctx) => listInstitutions({ ctx, input: c.req.query() })) }));
  app.post('/institutions/import', async (c) => {
    const upload = await registerUpload(c);
    return c.json(await runVerb(deps, c, (ctx) => importInstitutions({ ctx, input: upload })));
  });
  app.post('/institutions', async (c) => {
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => createInstitution({ ctx, input: body })), 201);
  });
  app.patch('/institutions/:code', async (c) => {
    const change = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => updateInstitution({ ctx, input: { code: c.req.param('code'), change } })));
  });
  return app;
}
