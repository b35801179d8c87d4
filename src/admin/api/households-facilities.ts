import { Hono } from 'hono';
import type { Deps } from '../../deps';
import { facilityUpdateSchema, getFacility, listFacilities, updateFacility } from '../../domain/facilities/facility-console';
import { facilityRoundKeys, issueFacilityRoundLink } from '../../domain/facilities/facility-round';
import { resendFacilityRoundLink } from '../../domain/facilities/facility-round-link';
import { facilityRoundLinkJob } from '../../jobs/facility-round-link';
import { addFacilityResident, createFacility, facilitySchema, removeFacilityResident } from '../../domain/facilities/facility-verbs';
import { householdContactSchema, setHouseholdContact } from '../../domain/households/household-contact';
import { addHouseholdMember, createHousehold, getHousehold, householdSchema, removeHouseholdMember } from '../../domain/households/household-verbs';
import { idParam, runVerb } from '../auth/run-verb';
import type { AdminEnv } from '../auth/types';
import { jsonBody } from './json-body';
import { registerRoute } from './openapi';

registerRoute({ method: 'post', path: '/households', summary: 'Create a household (代理報告): a reporter and the members they answer for', tags: ['households'], body: householdSchema, responses: { 201: '{ id }', 409: 'a member is already in another household, or the number is taken' } });
registerRoute({ method: 'get', path: '/persons/{id}/household', summary: "The person's household, members in conversation order (audited); null when none", tags: ['households'], params: { id: 'person id (UUID)' } });
registerRoute({ method: 'post', path: '/households/{id}/members', summary: 'Add a member (by personId or caseNumber, with relation)', tags: ['households'], params: { id: 'household id (UUID)' }, responses: { 201: '{ personId }' } });
registerRoute({ method: 'put', path: '/households/{id}/contact', summary: 'Set the household’s reporter contact who is not a registered person (name, relation, language, channel, address: her phone in any dash form, required but on LINE; her LINE user id is set only by her link code)', tags: ['households'], params: { id: 'household id (UUID)' }, body: householdContactSchema, responses: { 200: '{ contact }', 422: 'a field is invalid' } });
registerRoute({ method: 'delete', path: '/households/{id}/members/{personId}', summary: 'Move a member out of the household', tags: ['households'], params: { id: 'household id (UUID)', personId: 'person id (UUID)' }, responses: { 409: 'the reporter while others remain' } });
registerRoute({ method: 'post', path: '/facilities', summary: 'Register a facility (施設: care home, recuperation hotel, group home) with staff contacts and round times', tags: ['facilities'], body: facilitySchema, responses: { 201: '{ id }' } });
registerRoute({ method: 'post', path: '/facilities/{id}/residents', summary: 'A person moves in: reported on the facility round page (facility flow, no prompt of their own)', tags: ['facilities'], params: { id: 'facility id (UUID)' }, responses: { 201: '{ personId }' } });
registerRoute({ method: 'delete', path: '/facilities/{id}/residents/{personId}', summary: 'A resident leaves', tags: ['facilities'], params: { id: 'facility id (UUID)', personId: 'person id (UUID)' } });
registerRoute({ method: 'get', path: '/facilities', summary: "Facilities of the caller's scope with residents count and today's rounds (entered n of m)", tags: ['facilities'] });
registerRoute({ method: 'get', path: '/facilities/{id}', summary: 'One facility: contacts, residents, the last 7 days of rounds with entered / not entered and alerts, the contact log of its round links (audited)', tags: ['facilities'], params: { id: 'facility id (UUID)' } });
registerRoute({ method: 'put', path: '/facilities/{id}', summary: 'Change a facility: kind, name, phone, round times, contacts (kept by id, others removed)', tags: ['facilities'], params: { id: 'facility id (UUID)' }, body: facilityUpdateSchema });
registerRoute({ method: 'post', path: '/facilities/{id}/resend-link', summary: "Send the current round's link to the facility's contacts again (SMS / LINE / mail)", tags: ['facilities'], params: { id: 'facility id (UUID)' }, responses: { 202: '{ roundId }', 422: 'no contact with a phone, mail or LINE id', 409: 'the round is submitted or over' } });
registerRoute({ method: 'post', path: '/facilities/{id}/round-link', summary: "The signed link of the facility's current round page (/f/<token>): a credential, give it to the facility's staff only", tags: ['facilities'], params: { id: 'facility id (UUID)' }, responses: { 201: '{ roundId, url, path, expiresAt }' } });

/** /api/v1 households and facilities (issue 20). */
export function createHouseholdFacilityApi(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.post('/households', async (c) => {
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => createHousehold({ ctx, input: body })), 201);
  });
  app.get('/persons/:id/household', async (c) => {
    const personId = idParam(c, 'id', 'person');
    return c.json(await runVerb(deps, c, (ctx) => getHousehold({ ctx, input: { personId } })));
  });
  app.post('/households/:id/members', async (c) => {
    const householdId = idParam(c, 'id', 'household');
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => addHouseholdMember({ ctx, input: { householdId, member: body } })), 201);
  });
  app.put('/households/:id/contact', async (c) => {
    const householdId = idParam(c, 'id', 'household');
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => setHouseholdContact({ ctx, input: { householdId, contact: body } })));
  });
  app.delete('/households/:id/members/:personId', async (c) => {
    const householdId = idParam(c, 'id', 'household');
    const personId = idParam(c, 'personId', 'person');
    return c.json(await runVerb(deps, c, (ctx) => removeHouseholdMember({ ctx, input: { householdId, personId } })));
  });
  app.post('/facilities', async (c) => {
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => createFacility({ ctx, input: body })), 201);
  });
  app.post('/facilities/:id/residents', async (c) => {
    const facilityId = idParam(c, 'id', 'facility');
    const body = (await jsonBody(c)) as { personId?: string; room?: string };
    return c.json(await runVerb(deps, c, (ctx) => addFacilityResident({ ctx, input: { facilityId, personId: String(body.personId ?? ''), room: body.room } })), 201);
  });
  app.delete('/facilities/:id/residents/:personId', async (c) => {
    const facilityId = idParam(c, 'id', 'facility');
    const personId = idParam(c, 'personId', 'person');
    return c.json(await runVerb(deps, c, (ctx) => removeFacilityResident({ ctx, input: { facilityId, personId } })));
  });
  app.get('/facilities', async (c) => c.json(await runVerb(deps, c, (ctx) => listFacilities({ ctx, input: { includeInactive: c.req.query('all') === '1' } }))));
  app.get('/facilities/:id', async (c) => {
    const facilityId = idParam(c, 'id', 'facility');
    return c.json(await runVerb(deps, c, (ctx) => getFacility({ ctx, input: { facilityId } })));
  });
  app.put('/facilities/:id', async (c) => {
    const facilityId = idParam(c, 'id', 'facility');
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => updateFacility({ ctx, input: { facilityId, facility: body } })));
  });
  app.post('/facilities/:id/resend-link', async (c) => {
    const facilityId = idParam(c, 'id', 'facility');
    const { roundId, sendKey } = await runVerb(deps, c, (ctx) => resendFacilityRoundLink({ ctx, input: { facilityId }, env: deps.env }));
    await deps.jobs.trigger(facilityRoundLinkJob, { roundId, sendKey }, { jobId: `facility-link:${roundId}:${sendKey}` });
    return c.json({ roundId }, 202);
  });
  app.post('/facilities/:id/round-link', async (c) => {
    const facilityId = idParam(c, 'id', 'facility');
    return c.json(await runVerb(deps, c, (ctx) => issueFacilityRoundLink({ ctx, input: { facilityId }, keys: facilityRoundKeys(deps.env) })), 201);
  });
  return app;
}
