import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { archiveFlowVersion } from '../../domain/flows/archive-flow-version';
import { createDraft } from '../../domain/flows/create-draft';
import { createFlow, createFlowSchema } from '../../domain/flows/create-flow';
import { diffDefinitions } from '../../domain/flows/definition-diff';
import { parseDefinitionFor } from '../../domain/flows/definition-issues';
import { getFlow, getFlowVersion, latestPublished, listFlows } from '../../domain/flows/flow-queries';
import { publishFlowVersion } from '../../domain/flows/publish-flow-version';
import { simulateFlow, simulateOptionsSchema } from '../../domain/flows/simulate-flow';
import { updateDraft } from '../../domain/flows/update-draft';
import { NotFoundError, ValidationError } from '../../domain/errors';
import { flowDefinitionJsonSchema, parseFlowDefinition } from '../../flows';
import { runVerb } from '../auth/run-verb';
import type { AdminContext, AdminEnv } from '../auth/types';
import { registerRoute } from './openapi';

/** A version number from the path; anything else is "not found", never a database error. */
export function versionParam(c: AdminContext): number {
  const raw = c.req.param('n') ?? '';
  if (!/^\d{1,6}$/.test(raw)) throw new NotFoundError('flow_version', raw.slice(0, 20));
  return Number(raw);
}

/** The JSON body (an empty body is {}), or a 422 naming the body when it is not JSON. */
export async function jsonBody(c: AdminContext): Promise<unknown> {
  try {
    const text = await c.req.text();
    return text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new ValidationError([{ field: '(body)', message: 'must be a JSON document', messageJa: 'JSON 形式で送ってください' }]);
  }
}

const draftBody = z.object({ definition: z.unknown().optional() });
const definitionBody = z.object({ definition: z.unknown() });
const simulateBody = simulateOptionsSchema.extend({ version: z.number().int().positive().optional(), definition: z.unknown().optional() });

const fields = (body: unknown, schema: z.ZodObject) => {
  const r = schema.safeParse(body);
  if (!r.success) throw new ValidationError(r.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })));
  return r.data as Record<string, unknown>;
};

/**
 * /api/v1/flows — list flows and versions, create a flow, draft, edit, publish, archive,
 * simulate. Every call sees only the flows in the caller's scope (national ones, and those
 * of their own line of jurisdictions: src/domain/flows/flow-scope.ts); others are 404.
 * Reading and simulating are open to every signed-in role (flows hold no personal data);
 * drafting needs nurse and up, creating a flow and discarding a draft centre_admin and up;
 * publishing and archiving a published version need centre_admin and up within the flow's
 * owner (a national flow: a national officer) — checked in the verbs.
 */
export function createFlowApiRoutes(deps: Deps) {
  const app = new Hono<AdminEnv>();

  app.get('/flows', async (c) => c.json({ flows: await listFlows(deps.db, c.get('actor')) }));

  // The definition format as JSON Schema (from the same zod schema the engine validates with):
  // the console's raw JSON editor links it, and other tools can validate drafts before sending.
  app.get('/flows/definition-schema.json', (c) => c.json(flowDefinitionJsonSchema()));

  app.post('/flows', async (c) => {
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => createFlow({ ctx, input: body })), 201);
  });

  app.get('/flows/:key/versions/:n', async (c) => {
    const visibleTo = c.get('actor');
    const row = await getFlowVersion(deps.db, c.req.param('key'), versionParam(c), { visibleTo });
    const published = await latestPublished(deps.db, row.flowKey, { visibleTo });
    const parsed = parseFlowDefinition(row.definition);
    return c.json({
      key: row.flowKey, owner: row.owner, version: row.version, status: row.status, specVersion: row.specVersion, definition: row.definition,
      createdAt: row.createdAt, publishedAt: row.publishedAt, archivedAt: row.archivedAt,
      issues: parsed.ok ? [] : parsed.errors,
      diff: published && published.version !== row.version ? { against: published.version, changes: diffDefinitions(published.definition, row.definition) } : null,
    });
  });

  app.post('/flows/:key/versions', async (c) => {
    const body = fields(await jsonBody(c), draftBody);
    const r = await runVerb(deps, c, (ctx) => createDraft({ ctx, input: { flowKey: c.req.param('key'), definition: body.definition } }));
    return c.json(r, 201);
  });

  const saveDraft = async (c: AdminContext) => {
    const body = fields(await jsonBody(c), definitionBody);
    const r = await runVerb(deps, c, (ctx) => updateDraft({ ctx, input: { flowKey: c.req.param('key') ?? '', version: versionParam(c), definition: body.definition } }));
    return c.json(r);
  };
  app.put('/flows/:key/versions/:n', saveDraft);
  app.patch('/flows/:key/versions/:n', saveDraft);

  app.post('/flows/:key/versions/:n/publish', async (c) =>
    c.json(await runVerb(deps, c, (ctx) => publishFlowVersion({ ctx, input: { flowKey: c.req.param('key'), version: versionParam(c) } }))),
  );
  app.post('/flows/:key/versions/:n/archive', async (c) =>
    c.json(await runVerb(deps, c, (ctx) => archiveFlowVersion({ ctx, input: { flowKey: c.req.param('key'), version: versionParam(c) } }))),
  );

  app.post('/flows/:key/simulate', async (c) => {
    const key = c.req.param('key');
    const body = fields(await jsonBody(c), simulateBody) as z.infer<typeof simulateBody>;
    const visibleTo = c.get('actor');
    await getFlow(deps.db, key, { visibleTo });
    let version: number;
    let definition;
    if (body.definition !== undefined) {
      definition = parseDefinitionFor(key, body.definition);
      version = body.version ?? 0;
    } else {
      const row = body.version ? await getFlowVersion(deps.db, key, body.version, { visibleTo }) : await latestPublished(deps.db, key, { visibleTo });
      if (!row) throw new NotFoundError('flow_version', key);
      definition = parseDefinitionFor(key, row.definition);
      version = row.version;
    }
    const { version: _v, definition: _d, ...options } = body;
    return c.json(simulateFlow(key, version, definition, options));
  });

  return app;
}

const key = { key: 'flow key, e.g. patient-daily' };
const keyN = { ...key, n: 'version number' };
registerRoute({ method: 'get', path: '/flows', summary: 'List the flows in your scope (national ones and those of your jurisdictions), with their owner and versions', tags: ['flows'] });
registerRoute({
  method: 'post', path: '/flows', tags: ['flows'], body: createFlowSchema,
  summary: 'Create a flow owned by your jurisdiction (centre_admin and up): draft version 1, a copy of the newest version of `from` or the given `definition`; key a lowercase slug, unique',
  responses: { 201: 'created (draft version 1)', 403: 'role may not create flows' },
});
registerRoute({ method: 'get', path: '/flows/definition-schema.json', summary: 'The flow definition format as JSON Schema (draft 2020-12), the same rules the engine validates with', tags: ['flows'] });
registerRoute({ method: 'get', path: '/flows/{key}/versions/{n}', summary: 'A flow version: definition, validation issues, changes against the published version', tags: ['flows'], params: keyN });
registerRoute({ method: 'post', path: '/flows/{key}/versions', summary: 'Create a draft (a copy of the latest version unless a definition is given)', tags: ['flows'], params: key, body: draftBody, responses: { 201: 'draft created', 409: 'a draft already exists' } });
registerRoute({ method: 'put', path: '/flows/{key}/versions/{n}', summary: "Replace a draft's definition (validated; 422 with each field)", tags: ['flows'], params: keyN, body: definitionBody, responses: { 200: 'saved', 409: 'not a draft' } });
registerRoute({ method: 'patch', path: '/flows/{key}/versions/{n}', summary: "Replace a draft's definition (same as PUT)", tags: ['flows'], params: keyN, body: definitionBody, responses: { 200: 'saved', 409: 'not a draft' } });
registerRoute({ method: 'post', path: '/flows/{key}/versions/{n}/publish', summary: "Publish a draft (centre_admin and up, within the flow's owner; a national flow: national officers; audited)", tags: ['flows'], params: keyN, responses: { 200: 'published', 403: 'role may not publish', 409: 'not a draft' } });
registerRoute({ method: 'post', path: '/flows/{key}/versions/{n}/archive', summary: "Archive a version: a draft (centre_admin and up) or a published one (as for publishing; not the last published one)", tags: ['flows'], params: keyN, responses: { 200: 'archived', 403: 'role may not archive', 409: 'cannot archive' } });
registerRoute({ method: 'post', path: '/flows/{key}/simulate', summary: 'Run a version (or an unsaved definition) over typed inputs as a LINE, SMS or voice conversation', tags: ['flows'], params: key, body: simulateBody });
