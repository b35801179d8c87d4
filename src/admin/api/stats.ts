import { Hono } from 'hono';
import type { Deps } from '../../deps';
import { getStats, statsInputSchema } from '../../domain/reports/stats';
import { runVerb } from '../auth/run-verb';
import type { AdminEnv } from '../auth/types';
import { registerRoute } from './openapi';

/** GET /api/v1/stats — the dashboard's figures for the caller's scope, as JSON. */
export function createStatsApiRoutes(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.get('/stats', async (c) => c.json(await runVerb(deps, c, (ctx) => getStats({ ctx, input: c.req.query() }))));
  return app;
}

registerRoute({
  method: 'get', path: '/stats', tags: ['reports'], query: statsInputSchema,
  summary: 'Persons by status and classification, new alerts per day, share of checks answered per round, per health centre (caller\'s scope)',
  responses: { 200: 'the figures', 422: 'bad from/to/days' },
});
