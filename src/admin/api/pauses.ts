import { Hono } from 'hono';
import type { Deps } from '../../deps';
import { endPause, pauseMonitoring, pauseSchema } from '../../domain/pauses/pause-monitoring';
import { getPersonPauses } from '../../domain/pauses/pauses-of';
import { idParam, runVerb } from '../auth/run-verb';
import type { AdminEnv } from '../auth/types';
import { jsonBody } from './json-body';
import { registerRoute } from './openapi';

const pid = { id: 'person id (UUID)' };
registerRoute({ method: 'get', path: '/persons/{id}/pauses', summary: 'Pauses of monitoring (一時停止), newest first, and whether one is in force (audited)', tags: ['pauses'], params: pid });
registerRoute({ method: 'post', path: '/persons/{id}/pauses', summary: 'Pause monitoring until `resumeOn` (no prompts, no non-responder alerts)', tags: ['pauses'], params: pid, body: pauseSchema, responses: { 201: '{ id, resumeOn }', 409: 'not monitored, or already paused' } });
registerRoute({ method: 'post', path: '/persons/{id}/pauses/end', summary: 'End the pause in force now', tags: ['pauses'], params: pid, responses: { 409: 'not paused' } });

/** /api/v1/persons/{id}/pauses */
export function createPauseApi(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.get('/persons/:id/pauses', async (c) => {
    const personId = idParam(c, 'id', 'person');
    return c.json(await runVerb(deps, c, (ctx) => getPersonPauses({ ctx, input: { personId } })));
  });
  app.post('/persons/:id/pauses', async (c) => {
    const personId = idParam(c, 'id', 'person');
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => pauseMonitoring({ ctx, input: { ...body, personId } })), 201);
  });
  app.post('/persons/:id/pauses/end', async (c) => {
    const personId = idParam(c, 'id', 'person');
    return c.json(await runVerb(deps, c, (ctx) => endPause({ ctx, input: { personId } })));
  });
  return app;
}
