import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { acknowledgeAlert } from '../../domain/alerts/acknowledge-alert';
import { assignAlert } from '../../domain/alerts/assign-alert';
import { getAlert } from '../../domain/alerts/get-alert';
import { alertQuerySchema, listAlerts } from '../../domain/alerts/list-alerts';
import { noteAlert, noteAlertSchema } from '../../domain/alerts/note-alert';
import { resolveAlert, resolveAlertSchema } from '../../domain/alerts/resolve-alert';
import { ConflictError } from '../../domain/errors';
import { withJa } from '../../platform/http/errors';
import { idParam, runVerb } from '../auth/run-verb';
import type { AdminContext, AdminEnv } from '../auth/types';
import { jsonBody } from './json-body';
import { registerRoute } from './openapi';

const alertId = { id: 'alert id (UUID)' };
registerRoute({ method: 'get', path: '/alerts', summary: 'The alert queue in your scope: red first, then oldest (default status open,acknowledged). `total` counts up to 1,000; past that `totalCapped` is true', tags: ['alerts'], query: alertQuerySchema });
registerRoute({ method: 'get', path: '/alerts/{id}', summary: 'One alert with its reasons, the person, recent answers and history (audited)', tags: ['alerts'], params: alertId });
registerRoute({ method: 'post', path: '/alerts/{id}/acknowledge', summary: 'Take an open alert; 409 names who took it first', tags: ['alerts'], params: alertId, responses: { 200: 'acknowledged', 409: 'already taken or resolved' } });
registerRoute({ method: 'post', path: '/alerts/{id}/assign', summary: 'Assign to a nurse of the alert\'s centre', tags: ['alerts'], params: alertId, body: z.object({ staffId: z.uuid() }) });
registerRoute({ method: 'post', path: '/alerts/{id}/notes', summary: 'Add a note', tags: ['alerts'], params: alertId, body: noteAlertSchema, responses: { 201: 'noted' } });
registerRoute({ method: 'post', path: '/alerts/{id}/resolve', summary: 'Resolve with an outcome; 409 if already resolved', tags: ['alerts'], params: alertId, body: resolveAlertSchema, responses: { 200: 'resolved', 409: 'already resolved' } });

/** /api/v1/alerts: the triage queue and its actions. */
export function createAlertApi(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.get('/alerts', async (c) => {
    const result = await runVerb(deps, c, (ctx) => listAlerts({ ctx, input: c.req.query() }));
    return c.json(result);
  });
  app.get('/alerts/:id', async (c) => {
    const id = idParam(c, 'id', 'alert');
    return c.json(await runVerb(deps, c, (ctx) => getAlert({ ctx, input: { alertId: id } })));
  });
  const conflictJson = (c: AdminContext, err: ConflictError) =>
    c.json({ code: err.code, message: err.message, ...withJa(err), ...err.details, requestId: c.get('requestId') }, 409);
  app.post('/alerts/:id/acknowledge', async (c) => {
    const id = idParam(c, 'id', 'alert');
    try {
      return c.json(await runVerb(deps, c, (ctx) => acknowledgeAlert({ ctx, input: { alertId: id } })));
    } catch (err) {
      if (err instanceof ConflictError) return conflictJson(c, err);
      throw err;
    }
  });
  app.post('/alerts/:id/resolve', async (c) => {
    const id = idParam(c, 'id', 'alert');
    const body = await jsonBody(c);
    try {
      return c.json(await runVerb(deps, c, (ctx) => resolveAlert({ ctx, input: { ...body, alertId: id } })));
    } catch (err) {
      if (err instanceof ConflictError) return conflictJson(c, err);
      throw err;
    }
  });
  app.post('/alerts/:id/assign', async (c) => {
    const id = idParam(c, 'id', 'alert');
    const body = await jsonBody(c);
    const staffId = typeof body.staffId === 'string' && /^[0-9a-f-]{36}$/i.test(body.staffId) ? body.staffId : '00000000-0000-0000-0000-000000000000';
    return c.json(await runVerb(deps, c, (ctx) => assignAlert({ ctx, input: { alertId: id, staffId } })));
  });
  app.post('/alerts/:id/notes', async (c) => {
    const id = idParam(c, 'id', 'alert');
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => noteAlert({ ctx, input: { ...body, alertId: id } })), 201);
  });
  return app;
}
