import { Hono } from 'hono';
import type { Deps } from '../../deps';
import { listStaff } from '../../domain/staff/list-staff';
import { staffChangeSchema, updateStaff } from '../../domain/staff/update-staff';
import { parseInvitationCsv } from '../../domain/staff/invitation-csv';
import { inviteMany } from '../../domain/staff/invite-many';
import type { InviteStaffInput } from '../../domain/staff/invite-staff';
import { resetStaffPassword, resetStaffTotp } from '../../domain/staff/reset-staff-access';
import { enrolmentUrl } from '../../domain/staff/invite-many';
import { mailInvitation } from '../../domain/staff/invitation-mail';
import { ValidationError } from '../../domain/errors';
import { requestInfo } from '../auth/request-info';
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

registerRoute({
  method: 'post',
  path: '/staff/invitations',
  summary:
    'Invite staff: one ({ email, displayName, role, jurisdictionCode | institutionCode }), many ({ invitations: [ … ] }), or a CSV body (text/csv: email,name,role,jurisdiction,institution). Each gets a one-time enrolment link (72 h), in the answer once and e-mailed when SMTP_URL is set',
  tags: ['staff'],
  responses: { 201: '{ invitations: [{ row, email, url, expiresAt, mail }] } (all created)', 422: 'some rows refused: those carry errors, the others were created' },
});
registerRoute({ method: 'post', path: '/staff/{id}/password-reset', summary: 'A one-time link for the user to set a new password (never a password you see); their sessions end', tags: ['staff'], params: { id: 'staff user id' }, responses: { 201: '{ url, expiresAt, mail }' } });
registerRoute({ method: 'post', path: '/staff/{id}/totp-reset', summary: "Reset the user's second factor (they enrol again at the next sign-in); sessions and tokens end", tags: ['staff'], params: { id: 'staff user id' }, responses: { 204: 'reset' } });

/** The rows of an invitation request: a CSV body, { invitations: [...] } or one invitation. */
async function invitationRows(c: Parameters<typeof jsonBody>[0]): Promise<{ row: number; input: InviteStaffInput }[]> {
  if ((c.req.header('content-type') ?? '').startsWith('text/csv')) {
    const { rows, errors } = parseInvitationCsv(await c.req.text());
    if (errors.length) throw new ValidationError(errors.map((e) => ({ field: e.row ? `row ${e.row}: ${e.field}` : e.field, message: e.message, messageJa: e.messageJa })));
    return rows;
  }
  const body = await jsonBody(c);
  const list = Array.isArray(body.invitations) ? body.invitations : [body];
  if (list.length === 0 || list.length > 2000) throw new ValidationError([{ field: 'invitations', message: 'must hold 1 to 2000 invitations', messageJa: '招待は1〜2000件で指定してください' }]);
  return list.map((x, i) => ({ row: i + 1, input: (typeof x === 'object' && x ? x : {}) as InviteStaffInput }));
}

/** /api/v1/staff: administrators manage the staff of their jurisdiction. */
export function createStaffApi(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.get('/staff', async (c) => c.json({ staff: await runVerb(deps, c, (ctx) => listStaff({ ctx, input: {} })) }));
  app.post('/staff/invitations', async (c) => {
    const rows = await invitationRows(c);
    const outcomes = await inviteMany(deps.db, { actor: c.get('actor'), now: deps.now(), request: requestInfo(c) }, rows, { mailer: deps.mailer, baseUrl: deps.env.PUBLIC_BASE_URL });
    return c.json({ invitations: outcomes }, outcomes.some((o) => o.errors) ? 422 : 201);
  });
  app.post('/staff/:id/password-reset', async (c) => {
    const staffId = idParam(c, 'id', 'staff_user');
    const inv = await runVerb(deps, c, (ctx) => resetStaffPassword({ ctx, input: { staffId } }));
    const url = enrolmentUrl(deps.env.PUBLIC_BASE_URL, inv.token);
    const mail = await mailInvitation(deps.mailer, { kind: 'password_reset', email: inv.email, displayName: inv.email, url, expiresAt: inv.expiresAt });
    return c.json({ url, expiresAt: inv.expiresAt, mail }, 201);
  });
  app.post('/staff/:id/totp-reset', async (c) => {
    const staffId = idParam(c, 'id', 'staff_user');
    await runVerb(deps, c, (ctx) => resetStaffTotp({ ctx, input: { staffId } }));
    return c.body(null, 204);
  });
  app.patch('/staff/:id', async (c) => {
    const staffId = idParam(c, 'id', 'staff_user');
    const change = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => updateStaff({ ctx, input: { staffId, change } })));
  });
  return app;
}
