import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { assignPersons, assignSchema, reassignCaseload } from '../../domain/caseload/assign-persons';
import { declareLostToFollowUp } from '../../domain/caseload/declare-lost-to-follow-up';
import { caseloadQuerySchema, listCaseload } from '../../domain/caseload/list-caseload';
import { getPersonCaseload } from '../../domain/caseload/person-caseload';
import { recordStaffCall, setCaseloadSettings, staffCallSchema } from '../../domain/caseload/staff-calls';
import { createTeam, listTeams, setTeamMember } from '../../domain/caseload/teams';
import { idParam, runVerb } from '../auth/run-verb';
import type { AdminEnv } from '../auth/types';
import { jsonBody } from './json-body';
import { registerRoute } from './openapi';

const pid = { id: 'person id (UUID)' };
registerRoute({ method: 'get', path: '/caseload', summary: '担当一覧: persons assigned to me (or my teams), to a nurse, a team, or unassigned', tags: ['caseload'], query: caseloadQuerySchema });
registerRoute({ method: 'post', path: '/caseload/assign', summary: 'Assign persons to a nurse or a team; `roundRobin` spreads them over the team\'s members', tags: ['caseload'], body: assignSchema });
registerRoute({ method: 'post', path: '/caseload/reassign', summary: 'Move a nurse\'s monitored persons to another nurse or round-robin over a team', tags: ['caseload'], body: z.object({ fromStaffId: z.uuid(), staffId: z.uuid().optional(), teamId: z.uuid().optional(), roundRobin: z.boolean().optional() }) });
registerRoute({ method: 'get', path: '/caseload/teams', summary: 'Teams of your health centre with their members, and the staff who may take persons', tags: ['caseload'] });
registerRoute({ method: 'post', path: '/caseload/teams', summary: 'Create a team (centre_admin)', tags: ['caseload'], body: z.object({ name: z.string() }), responses: { 201: '{ id }' } });
registerRoute({ method: 'post', path: '/caseload/teams/{teamId}/members', summary: 'Add a nurse to a team (centre_admin)', tags: ['caseload'], params: { teamId: 'team id' }, body: z.object({ staffId: z.uuid() }), responses: { 204: 'added' } });
registerRoute({ method: 'delete', path: '/caseload/teams/{teamId}/members/{staffId}', summary: 'Remove a nurse from a team (centre_admin)', tags: ['caseload'], params: { teamId: 'team id', staffId: 'staff id' }, responses: { 204: 'removed' } });
registerRoute({ method: 'put', path: '/caseload/settings', summary: 'Unsuccessful calls before lost to follow-up may be declared (centre_admin; default 3)', tags: ['caseload'], body: z.object({ unsuccessfulCallsBeforeLost: z.number().int() }) });
registerRoute({ method: 'get', path: '/persons/{id}/calls', summary: 'Assignment, staff calls and lost-to-follow-up state of a person (audited)', tags: ['caseload'], params: pid });
registerRoute({ method: 'post', path: '/persons/{id}/calls', summary: 'Record a staff phone call (called, reached, no_answer, wrong_number, refused)', tags: ['caseload'], params: pid, body: staffCallSchema, responses: { 201: '{ id }' } });
registerRoute({ method: 'post', path: '/persons/{id}/lost-to-follow-up', summary: 'Declare lost to follow-up (after the centre\'s number of unsuccessful calls; ends monitoring)', tags: ['caseload'], params: pid, responses: { 409: 'not enough unsuccessful calls yet' } });

/** /api/v1 caseload routes: lists, assignment, staff calls, lost to follow-up. */
export function createCaseloadApi(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.get('/caseload', async (c) => c.json(await runVerb(deps, c, (ctx) => listCaseload({ ctx, input: c.req.query() }))));
  app.post('/caseload/assign', async (c) => {
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => assignPersons({ ctx, input: body })));
  });
  app.post('/caseload/reassign', async (c) => {
    const b = await jsonBody(c);
    const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return c.json(await runVerb(deps, c, (ctx) => reassignCaseload({ ctx, input: { fromStaffId: s(b.fromStaffId) ?? '', staffId: s(b.staffId), teamId: s(b.teamId), roundRobin: b.roundRobin === true } })));
  });
  app.get('/caseload/teams', async (c) => c.json(await runVerb(deps, c, (ctx) => listTeams({ ctx, input: null }))));
  app.post('/caseload/teams', async (c) => {
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => createTeam({ ctx, input: body })), 201);
  });
  app.post('/caseload/teams/:teamId/members', async (c) => {
    const teamId = idParam(c, 'teamId', 'care_team');
    const b = await jsonBody(c);
    await runVerb(deps, c, (ctx) => setTeamMember({ ctx, input: { teamId, staffId: typeof b.staffId === 'string' ? b.staffId : '', member: true } }));
    return c.body(null, 204);
  });
  app.delete('/caseload/teams/:teamId/members/:staffId', async (c) => {
    const teamId = idParam(c, 'teamId', 'care_team');
    const staffId = idParam(c, 'staffId', 'staff_user');
    await runVerb(deps, c, (ctx) => setTeamMember({ ctx, input: { teamId, staffId, member: false } }));
    return c.body(null, 204);
  });
  app.put('/caseload/settings', async (c) => {
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => setCaseloadSettings({ ctx, input: body })));
  });
  app.get('/persons/:id/calls', async (c) => {
    const personId = idParam(c, 'id', 'person');
    return c.json(await runVerb(deps, c, (ctx) => getPersonCaseload({ ctx, input: { personId } })));
  });
  app.post('/persons/:id/calls', async (c) => {
    const personId = idParam(c, 'id', 'person');
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => recordStaffCall({ ctx, input: { ...body, personId } })), 201);
  });
  app.post('/persons/:id/lost-to-follow-up', async (c) => {
    const personId = idParam(c, 'id', 'person');
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => declareLostToFollowUp({ ctx, input: { ...body, personId } })));
  });
  return app;
}
