import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { holdRecord, releaseHold } from '../../domain/retention/holds';
import { listRetentionDue } from '../../domain/retention/list-retention-due';
import { idParam, runVerb } from '../auth/run-verb';
import type { AdminEnv } from '../auth/types';
import { jsonBody } from './json-body';
import { registerRoute } from './openapi';

const pid = { id: 'person id (UUID)' };
registerRoute({ method: 'get', path: '/retention', summary: 'Records whose personal data is erased within 14 days (RETENTION_DAYS after monitoring ended), and held records (centre_admin and up)', tags: ['retention'] });
registerRoute({ method: 'post', path: '/persons/{id}/retention-hold', summary: 'Hold a record past its retention, with a reason (prefecture/national officers)', tags: ['retention'], params: pid, body: z.object({ reason: z.string() }), responses: { 201: 'held', 409: 'already held' } });
registerRoute({ method: 'delete', path: '/persons/{id}/retention-hold', summary: 'Release a hold', tags: ['retention'], params: pid, responses: { 204: 'released' } });

/** /api/v1 retention routes. */
export function createRetentionApi(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.get('/retention', async (c) => c.json(await runVerb(deps, c, (ctx) => listRetentionDue({ ctx, input: c.req.query(), retentionDays: deps.env.RETENTION_DAYS }))));
  app.post('/persons/:id/retention-hold', async (c) => {
    const personId = idParam(c, 'id', 'person');
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => holdRecord({ ctx, input: { ...body, personId } })), 201);
  });
  app.delete('/persons/:id/retention-hold', async (c) => {
    const personId = idParam(c, 'id', 'person');
    await runVerb(deps, c, (ctx) => releaseHold({ ctx, input: { personId } }));
    return c.body(null, 204);
  });
  return app;
}
