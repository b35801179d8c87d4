import { Hono } from 'hono';
import { z } from 'zod';
import { CHANNEL_KINDS } from '../../../db/schema';
import type { Deps } from '../../deps';
import { ValidationError } from '../../domain/errors';
import { changePersonStatus, personStatusSchema } from '../../domain/persons/change-person-status';
import { getPerson } from '../../domain/persons/get-person';
import { listPersons, personListSchema } from '../../domain/persons/list-persons';
import { personFieldsSchema } from '../../domain/persons/person-input';
import { observationQuerySchema, personObservations } from '../../domain/persons/person-observations';
import { registerPerson } from '../../domain/persons/register-person';
import { sharePerson, transferPerson } from '../../domain/persons/transfer-person';
import { personPatchSchema, updatePerson } from '../../domain/persons/update-person';
import { endMonitoring } from '../../domain/rounds/end-monitoring';
import { extendMonitoring } from '../../domain/rounds/extend-monitoring';
import { idParam, runVerb } from '../auth/run-verb';
import type { AdminEnv } from '../auth/types';
import { issueLinkCodeWithQr, sendCheckAndDispatch } from '../pages/persons/actions';
import { jsonBody } from './json-body';
import { registerRoute } from './openapi';

const pid = { id: 'person id (UUID)' };
const patchSchema = personPatchSchema.extend({ status: personStatusSchema.shape.status.optional(), statusNote: z.string().max(500).optional(), monitoringPlannedEnd: z.iso.date().optional() });
registerRoute({ method: 'post', path: '/persons', summary: 'Register a person under follow-up (responsible centre defaults to yours)', tags: ['persons'], body: personFieldsSchema, responses: { 201: 'created: { id }', 409: 'case number already used at that centre' } });
registerRoute({ method: 'get', path: '/persons', summary: 'Line lists and search in your scope, in kana order. `total` counts up to 1,000; past that `totalCapped` is true', tags: ['persons'], query: personListSchema });
registerRoute({ method: 'get', path: '/persons/{id}', summary: 'A person\'s record (audited)', tags: ['persons'], params: pid });
registerRoute({ method: 'patch', path: '/persons/{id}', summary: 'Edit fields; `status` changes the status (with history), `monitoringPlannedEnd` moves the planned end', tags: ['persons'], params: pid, body: patchSchema });
registerRoute({ method: 'post', path: '/persons/{id}/link-code', summary: 'Issue a one-time LINE link code (12 digits in two parts, 1234-5678-9012, 72 h) with its QR code', tags: ['persons'], params: pid, responses: { 201: '{ code, expiresAt, qrDataUrl }' } });
registerRoute({ method: 'post', path: '/persons/{id}/checks', summary: 'Send a check now on the person\'s channel (or `channel`)', tags: ['persons'], params: pid, body: z.object({ channel: z.enum(CHANNEL_KINDS).optional() }), responses: { 202: '{ sessionId, channel, queued }', 409: 'not monitored, or not reachable on that channel' } });
registerRoute({ method: 'get', path: '/persons/{id}/observations', summary: 'Check sessions and answers (audited)', tags: ['persons'], params: pid, query: observationQuerySchema });
registerRoute({ method: 'post', path: '/persons/{id}/transfer', summary: 'Move to another responsible health centre', tags: ['persons'], params: pid, body: z.object({ centreCode: z.string() }) });
registerRoute({ method: 'post', path: '/persons/{id}/shares', summary: 'Share with another health centre', tags: ['persons'], params: pid, body: z.object({ centreCode: z.string() }) });
registerRoute({ method: 'delete', path: '/persons/{id}/shares/{code}', summary: 'Stop sharing with a health centre', tags: ['persons'], params: { ...pid, code: 'health centre code' }, responses: { 204: 'unshared' } });
registerRoute({ method: 'post', path: '/persons/{id}/end-monitoring', summary: 'End monitoring now (stops the prompts)', tags: ['persons'], params: pid, body: z.object({ reason: z.string().max(200).optional() }) });

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** /api/v1/persons: register, read, edit, link, send a check, observations. */
export function createPersonApi(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.post('/persons', async (c) => {
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => registerPerson({ ctx, input: body })), 201);
  });
  app.get('/persons', async (c) => c.json(await runVerb(deps, c, (ctx) => listPersons({ ctx, input: c.req.query() }))));
  app.get('/persons/:id', async (c) => {
    const personId = idParam(c, 'id', 'person');
    return c.json(await runVerb(deps, c, (ctx) => getPerson({ ctx, input: { personId } })));
  });
  app.patch('/persons/:id', async (c) => {
    const personId = idParam(c, 'id', 'person');
    const { status, statusNote, monitoringPlannedEnd, ...fields } = await jsonBody(c);
    const result = await runVerb(deps, c, async (ctx) => {
      const updated = await updatePerson({ ctx, input: { personId, fields } });
      if (status !== undefined) await changePersonStatus({ ctx, input: { personId, status, note: statusNote } });
      if (monitoringPlannedEnd !== undefined) await extendMonitoring({ ctx, input: { personId, plannedEnd: monitoringPlannedEnd } });
      return { id: personId, changed: [...updated.changed, ...(status !== undefined ? ['status'] : []), ...(monitoringPlannedEnd !== undefined ? ['monitoringPlannedEnd'] : [])] };
    });
    return c.json(result);
  });
  app.post('/persons/:id/link-code', async (c) => {
    const personId = idParam(c, 'id', 'person');
    const { code, expiresAt, qrDataUrl } = await issueLinkCodeWithQr(deps, c, personId);
    return c.json({ code, expiresAt, qrDataUrl }, 201);
  });
  app.post('/persons/:id/checks', async (c) => {
    const personId = idParam(c, 'id', 'person');
    const body = await jsonBody(c);
    if (body.channel !== undefined && typeof body.channel !== 'string') throw new ValidationError([{ field: 'channel', message: 'must be a string' }]);
    return c.json(await sendCheckAndDispatch(deps, c, personId, body.channel as string | undefined), 202);
  });
  app.get('/persons/:id/observations', async (c) => {
    const personId = idParam(c, 'id', 'person');
    return c.json(await runVerb(deps, c, (ctx) => personObservations({ ctx, input: { ...c.req.query(), personId } })));
  });
  app.post('/persons/:id/transfer', async (c) => {
    const personId = idParam(c, 'id', 'person');
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => transferPerson({ ctx, input: { personId, centreCode: str(body.centreCode) } })));
  });
  app.post('/persons/:id/shares', async (c) => {
    const personId = idParam(c, 'id', 'person');
    const body = await jsonBody(c);
    await runVerb(deps, c, (ctx) => sharePerson({ ctx, input: { personId, centreCode: str(body.centreCode), share: true } }));
    return c.json({ shared: str(body.centreCode) }, 201);
  });
  app.delete('/persons/:id/shares/:code', async (c) => {
    const personId = idParam(c, 'id', 'person');
    await runVerb(deps, c, (ctx) => sharePerson({ ctx, input: { personId, centreCode: c.req.param('code'), share: false } }));
    return c.body(null, 204);
  });
  app.post('/persons/:id/end-monitoring', async (c) => {
    const personId = idParam(c, 'id', 'person');
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => endMonitoring({ ctx, input: { personId, reason: body.reason } })));
  });
  return app;
}
