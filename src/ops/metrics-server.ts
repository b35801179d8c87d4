import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Deps } from '../deps';
import { readinessDetail } from './readiness';
import { createScrapeRegistry } from './scrape-metrics';

/**
 * The operators' port (METRICS_PORT, on METRICS_HOST = 127.0.0.1 unless set): Prometheus
 * `/metrics` and the detailed `/readyz`. Never the public app's port: nothing here is
 * authenticated, so it is bound to loopback (or a private interface) only.
 */
export function createMetricsApp(deps: Deps) {
  const { scrape } = createScrapeRegistry(deps);
  return new Hono()
    .get('/metrics', async (c) => c.body(await scrape(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }))
    .get('/readyz', async (c) => {
      const detail = await readinessDetail(deps);
      return c.json(detail, detail.down.length ? 503 : 200);
    });
}

export function startMetricsServer(deps: Deps): Promise<Server | null> {
  const { METRICS_PORT: port, METRICS_HOST: hostname } = deps.env;
  if (!port) return Promise.resolve(null);
  return new Promise((resolve) => {
    const server = serve({ fetch: createMetricsApp(deps).fetch, port, hostname }, (info) => {
      deps.logger.info({ port: info.port, host: hostname }, `metrics on http://${hostname}:${info.port}/metrics (operators' readiness: /readyz)`);
      resolve(server as Server);
    }) as Server;
  });
}
