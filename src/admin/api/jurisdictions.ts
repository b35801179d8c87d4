import { Hono } from 'hono';
import type { Deps } from '../../deps';
import { createCentreSchema, updateCentreSchema } from '../../domain/jurisdictions/centre-input';
import { createCentre } from '../../domain/jurisdictions/create-centre';
import { importCentres } from '../../domain/jurisdictions/import-centres';
import { listJurisdictions, listJurisdictionsSchema } from '../../domain/jurisdictions/list-jurisdictions';
import { moveCentrePersons, moveCentrePersonsSchema } from '../../domain/jurisdictions/move-centre-persons';
import { updateCentre } from '../../domain/jurisdictions/update-centre';
import { runVerb } from '../auth/run-verb';
import type { AdminEnv } from '../auth/types';
import { jsonBody } from './json-body';
import { registerRoute } from './openapi';
import { registerUpload } from './register-upload';

const code = { code: 'jurisdiction code, e.g. 13-shinjuku' };
registerRoute({ method: 'get', path: '/jurisdictions', summary: 'The jurisdiction tree: nation, prefectures and health centres (every staff user)', tags: ['jurisdictions'], query: listJurisdictionsSchema });
registerRoute({ method: 'post', path: '/jurisdictions', summary: 'Create a health centre under a prefecture (national officer; prefecture officer for their prefecture)', tags: ['jurisdictions'], body: createCentreSchema, responses: { 201: 'created', 403: 'outside what you may manage', 409: 'code already used' } });
registerRoute({
  method: 'patch',
  path: '/jurisdictions/{code}',
  summary: "Change a health centre's details (also its own centre administrator), or deactivate it with active=false (officers; refused while persons under monitoring remain)",
  tags: ['jurisdictions'],
  params: code,
  body: updateCentreSchema,
  responses: { 200: '{ centre, changed }', 403: 'outside what you may manage', 409: 'persons under monitoring remain' },
});
registerRoute({
  method: 'post',
  path: '/jurisdictions/{code}/move-persons',
  summary: 'Move every person of this health centre to another (merge or split of centres), with their open alerts; optionally its institutions and open notifications, and deactivate it',
  tags: ['jurisdictions'],
  params: code,
  body: moveCentrePersonsSchema.omit({ fromCode: true }),
  responses: { 200: '{ from, to, persons, flowsReset, institutions, deactivated }', 409: 'the new centre already has some of the case numbers' },
});
registerRoute({ method: 'post', path: '/jurisdictions/import', summary: 'Create or update health centres from a CSV file (multipart field file, or text/csv body); bad rows listed with their line', tags: ['jurisdictions'], responses: { 200: '{ total, created, updated, unchanged, failed, errors: [{ line, code, message, messageJa }] }' } });

/** /api/v1/jurisdictions: health centres (保健所) — list, create, change, deactivate, merge. */
export function createJurisdictionApi(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.get('/jurisdictions', async (c) => c.json({ jurisdictions: await runVerb(deps, c, (ctx) => listJurisdictions({ ctx, input: c.req.query() })) }));
  app.post('/jurisdictions/import', async (c) => {
    const upload = await registerUpload(c);
    return c.json(await runVerb(deps, c, (ctx) => importCentres({ ctx, input: upload })));
  });
  app.post('/jurisdictions', async (c) => {
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => createCentre({ ctx, input: body })), 201);
  });
  app.patch('/jurisdictions/:code', async (c) => {
    const change = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => updateCentre({ ctx, input: { code: c.req.param('code'), change } })));
  });
  app.post('/jurisdictions/:code/move-persons', async (c) => {
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => moveCentrePersons({ ctx, input: { ...body, fromCode: c.req.param('code') } })));
  });
  return app;
}
