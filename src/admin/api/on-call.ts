import { Hono } from 'hono';
import type { Deps } from '../../deps';
import { addOnCallShift } from '../../domain/escalation/add-on-call-shift';
import { listOnCall } from '../../domain/escalation/list-on-call';
import { removeOnCallShift } from '../../domain/escalation/remove-on-call-shift';
import { shiftInputSchema } from '../../domain/escalation/shift-input';
import { idParam, runVerb } from '../auth/run-verb';
import type { AdminEnv } from '../auth/types';
import { jsonBody } from './json-body';
import { registerRoute } from './openapi';

const code = { code: 'jurisdiction code: a health centre ("13-101") or a prefecture ("13", its 夜間 rota)' };
registerRoute({ method: 'get', path: '/jurisdictions/{code}/on-call', summary: 'The on-call rota, who would be paged now, and the coming 24 hours without anybody on call (warningJa)', tags: ['on-call'], params: code });
registerRoute({
  method: 'post', path: '/jurisdictions/{code}/on-call', tags: ['on-call'], params: code, body: shiftInputSchema,
  summary: 'Add a shift: { name, phone, from, to, order } (ISO times; order 1–9 or "administrator"); repeat "weekly" with days (1 = Mon … 7, 8 = 祝日・年末年始). centre_admin and up (a prefecture: prefecture_officer and up)',
  responses: { 201: 'added', 409: 'overlaps a shift of the same order', 422: 'no phone, an invalid number, bad times' },
});
registerRoute({ method: 'delete', path: '/jurisdictions/{code}/on-call/{id}', summary: 'Remove a shift', tags: ['on-call'], params: { ...code, id: 'shift id (UUID)' } });

/** /api/v1/jurisdictions/{code}/on-call: the on-call rota (src/domain/escalation). */
export function createOnCallApi(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.get('/jurisdictions/:code/on-call', async (c) => c.json(await runVerb(deps, c, (ctx) => listOnCall({ ctx, input: { code: c.req.param('code') } }))));
  app.post('/jurisdictions/:code/on-call', async (c) => {
    const shift = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => addOnCallShift({ ctx, input: { code: c.req.param('code'), shift } })), 201);
  });
  app.delete('/jurisdictions/:code/on-call/:id', async (c) => {
    const shiftId = idParam(c, 'id', 'on_call_shift');
    return c.json(await runVerb(deps, c, (ctx) => removeOnCallShift({ ctx, input: { code: c.req.param('code'), shiftId } })));
  });
  return app;
}
