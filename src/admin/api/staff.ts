import { Hono } from 'hono';
import type { Deps } from '../../deps';
import { listStaff } from '../../domain/staff/list-staff';
import { staffChangeSchema, updateStaff } from '../../domain/staff/update-staff';
import { idParam, runVerb } from '../auth/run-verb';
import type { AdminEnv } from '../auth/types';
import { jsonBody } from './json-body';
import { registerRoute } from './openapi';

registerRoute({ method: 'get', path: '/staff', summary: 'Staff users within your jurisdiction (centre_admin and up)', tags: ['staff'], responses: { 403: 'not an administrator' } });
registerRoute({
  method: 'patch',
  path: '/staff/{id}',
  summary: "Change a staff user's role and scope, or disable / enable them; their sessions and API tokens end at once",
  tags: ['staff'],
  params: { id: 'staff user id' },
  body: staffChangeSchema,
  responses: { 200: 'changed (or already so)', 403: 'not an administrator, or a user above your role', 404: 'no such staff user within your jurisdiction' },
});

/** /api/v1/staff: administrators manage the staff of their jurisdiction. */
export function createStaffApi(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.get('/staff', async (c) => c.json({ staff: await runVerb(deps, c, (ctx) => listStaff({ ctx, input: {} })) }));
  app.patch('/staff/:id', async (c) => {
    const staffId = idParam(c, 'id', 'staff_user');
    const change = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => updateStaff({ ctx, input: { staffId, change } })));
  });
  return app;
}
