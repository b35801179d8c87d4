import { Hono } from 'hono';
import type { Deps } from '../../deps';
import { addPersonNote, personNoteSchema } from '../../domain/persons/person-notes';
import { addContact, contactPatchSchema, contactSchema, removeContact, updateContact } from '../../domain/persons/person-contacts';
import { addTestRecord, testRecordPatchSchema, testRecordSchema, updateTestRecord } from '../../domain/persons/test-records';
import { idParam, runVerb } from '../auth/run-verb';
import type { AdminEnv } from '../auth/types';
import { jsonBody } from './json-body';
import { registerRoute } from './openapi';

const pid = { id: 'person id (UUID)' };
const written = { 200: 'saved', 404: 'no such person, test or contact in your scope', 409: 'already recorded' };
registerRoute({ method: 'post', path: '/persons/{id}/tests', summary: 'Record a test (検査: specimen and result dates, method, result); audited', tags: ['persons'], params: pid, body: testRecordSchema, responses: { 201: 'the test record' } });
registerRoute({ method: 'patch', path: '/persons/{id}/tests/{testId}', summary: 'Correct or complete a test record (only the fields sent)', tags: ['persons'], params: { ...pid, testId: 'test record id' }, body: testRecordPatchSchema, responses: written });
registerRoute({ method: 'post', path: '/persons/{id}/contacts', summary: 'Link a contact (接触者): another person in your scope, by id or case number', tags: ['persons'], params: pid, body: contactSchema, responses: { 201: '{ id }', 409: 'already linked' } });
registerRoute({ method: 'patch', path: '/persons/{id}/contacts/{contactId}', summary: 'Change the setting or last contact date of a contact link', tags: ['persons'], params: { ...pid, contactId: 'contact link id' }, body: contactPatchSchema, responses: written });
registerRoute({ method: 'delete', path: '/persons/{id}/contacts/{contactId}', summary: 'Remove a contact link recorded by mistake', tags: ['persons'], params: { ...pid, contactId: 'contact link id' }, responses: { 204: 'removed' } });

registerRoute({ method: 'post', path: '/persons/{id}/notes', summary: 'Add a staff note on the person (shown with the notes on their alerts); audited', tags: ['persons'], params: pid, body: personNoteSchema, responses: { 201: '{ id }' } });

/** /api/v1/persons/:id/tests, /contacts and /notes: the person's test records, contact links and notes. */
export function createPersonRecordApi(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.post('/persons/:id/tests', async (c) => {
    const personId = idParam(c, 'id', 'person');
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => addTestRecord({ ctx, input: { ...body, personId } })), 201);
  });
  app.patch('/persons/:id/tests/:testId', async (c) => {
    const personId = idParam(c, 'id', 'person');
    const testId = idParam(c, 'testId', 'test_record');
    const fields = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => updateTestRecord({ ctx, input: { personId, testId, fields } })));
  });
  app.post('/persons/:id/contacts', async (c) => {
    const personId = idParam(c, 'id', 'person');
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => addContact({ ctx, input: { ...body, personId } })), 201);
  });
  app.patch('/persons/:id/contacts/:contactId', async (c) => {
    const personId = idParam(c, 'id', 'person');
    const contactId = idParam(c, 'contactId', 'person_contact');
    const fields = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => updateContact({ ctx, input: { personId, contactId, fields } })));
  });
  app.delete('/persons/:id/contacts/:contactId', async (c) => {
    const personId = idParam(c, 'id', 'person');
    const contactId = idParam(c, 'contactId', 'person_contact');
    await runVerb(deps, c, (ctx) => removeContact({ ctx, input: { personId, contactId } }));
    return c.body(null, 204);
  });
  app.post('/persons/:id/notes', async (c) => {
    const personId = idParam(c, 'id', 'person');
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => addPersonNote({ ctx, input: { ...body, personId } })), 201);
  });
  return app;
}
