import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { listApiTokens, revokeApiToken } from '../../domain/staff/api-tokens';
import { createApiToken } from '../../domain/staff/create-api-token';
import { parseInput } from '../../domain/validation';
import { idParam, runVerb } from '../auth/run-verb';
import type { AdminEnv } from '../auth/types';
import { jsonBody } from './json-body';
import { registerRoute } from './openapi';

const createTokenSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(60, 'must be at most 60 characters'),
  days: z.number().int('must be a whole number of days').min(1, 'must be at least 1').optional(), // default API_TOKEN_DAYS, at most API_TOKEN_MAX_DAYS
});
registerRoute({ method: 'get', path: '/tokens', summary: 'Your API tokens (prefix only, never the token)', tags: ['tokens'] });
registerRoute({ method: 'post', path: '/tokens', summary: 'Create an API token for yourself (expires after `days`, default API_TOKEN_DAYS); the token is in the answer once', tags: ['tokens'], body: createTokenSchema, responses: { 201: 'created' } });
registerRoute({ method: 'delete', path: '/tokens/{id}', summary: 'Revoke one of your tokens', tags: ['tokens'], params: { id: 'token id' }, responses: { 204: 'revoked' } });

/** /api/v1/tokens: a staff user's own bearer tokens. */
export function createTokenApi(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.get('/tokens', async (c) => c.json({ tokens: await listApiTokens(deps.db, c.get('actor').staffId) }));
  app.post('/tokens', async (c) => {
    const { name, days } = parseInput(createTokenSchema, await jsonBody(c));
    const created = await runVerb(deps, c, (ctx) => createApiToken({ ctx, input: { staffId: c.get('actor').staffId, name, days }, env: deps.env }));
    return c.json(created, 201);
  });
  app.delete('/tokens/:id', async (c) => {
    const tokenId = idParam(c, 'id', 'api_token');
    await runVerb(deps, c, (ctx) => revokeApiToken({ ctx, input: { tokenId } }));
    return c.body(null, 204);
  });
  return app;
}
