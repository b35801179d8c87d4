import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { acceptNotification, acceptNotificationSchema } from '../../domain/notifications/accept-notification';
import { getNotification } from '../../domain/notifications/get-notification';
import { listNotifications, listNotificationsSchema } from '../../domain/notifications/list-notifications';
import { notificationFieldsSchema } from '../../domain/notifications/notification-input';
import { returnNotification, returnNotificationSchema } from '../../domain/notifications/return-notification';
import { saveNotification } from '../../domain/notifications/save-notification';
import { idParam, runVerb } from '../auth/run-verb';
import type { AdminEnv } from '../auth/types';
import { jsonBody } from './json-body';
import { registerRoute } from './openapi';

const id = { id: 'notification id' };
const fileBody = notificationFieldsSchema.extend({ draft: z.boolean().optional() });
registerRoute({ method: 'get', path: '/notifications', summary: '発生届 in your scope, newest first (a clinician: their institution\'s, drafts included; a centre: those routed to or reported from it)', tags: ['notifications'], query: listNotificationsSchema });
registerRoute({
  method: 'post',
  path: '/notifications',
  summary: 'File a 発生届 (clinician); with "draft": true it is only saved (一時保存). Required items are refused with Japanese messages',
  tags: ['notifications'],
  body: fileBody,
  responses: { 201: '{ id, status }', 403: 'not a clinician of an active institution' },
});
registerRoute({ method: 'get', path: '/notifications/{id}', summary: 'One notification with its items and, for a centre deciding it, possible duplicates among its persons', tags: ['notifications'], params: id });
registerRoute({ method: 'patch', path: '/notifications/{id}', summary: 'Change a draft or a returned notification (clinician); "draft": false files it', tags: ['notifications'], params: id, body: fileBody, responses: { 200: '{ id, status }', 409: 'already filed' } });
registerRoute({ method: 'post', path: '/notifications/{id}/accept', summary: 'Accept (receiving centre): register the person, or attach to personId', tags: ['notifications'], params: id, body: acceptNotificationSchema.omit({ id: true }), responses: { 200: '{ id, personId, created }', 409: 'already decided' } });
registerRoute({ method: 'post', path: '/notifications/{id}/return', summary: 'Return to the clinician with a reason (receiving centre)', tags: ['notifications'], params: id, body: returnNotificationSchema.omit({ id: true }), responses: { 200: '{ id, status }', 409: 'already decided' } });

/** The body's 発生届 items and whether it is only a draft. */
function split(body: Record<string, unknown>): { fields: Record<string, unknown>; submit: boolean } {
  const { draft, ...fields } = body;
  return { fields, submit: draft !== true };
}

/** /api/v1/notifications: the electronic 発生届 — clinicians file, centres accept or return. */
export function createNotificationApi(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.get('/notifications', async (c) => c.json({ notifications: await runVerb(deps, c, (ctx) => listNotifications({ ctx, input: c.req.query() })) }));
  app.post('/notifications', async (c) => {
    const body = split(await jsonBody(c));
    return c.json(await runVerb(deps, c, (ctx) => saveNotification({ ctx, input: body })), 201);
  });
  app.get('/notifications/:id', async (c) => {
    const nid = idParam(c, 'id', 'notification');
    return c.json(await runVerb(deps, c, (ctx) => getNotification({ ctx, input: { id: nid } })));
  });
  app.patch('/notifications/:id', async (c) => {
    const nid = idParam(c, 'id', 'notification');
    const body = split(await jsonBody(c));
    return c.json(await runVerb(deps, c, (ctx) => saveNotification({ ctx, input: { ...body, id: nid } })));
  });
  app.post('/notifications/:id/accept', async (c) => {
    const nid = idParam(c, 'id', 'notification');
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => acceptNotification({ ctx, input: { ...body, id: nid } })));
  });
  app.post('/notifications/:id/return', async (c) => {
    const nid = idParam(c, 'id', 'notification');
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => returnNotification({ ctx, input: { ...body, id: nid } })));
  });
  return app;
}
