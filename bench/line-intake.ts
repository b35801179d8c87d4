/**
 * LINE webhook intake throughput: signed POST /webhooks/line (verify → insert into
 * inbound_events → enqueue in Redis → 200) against a bare Hono handler that only reads
 * the body, measured with autocannon in the same process and run; then the intake at fixed
 * offered rates (--rates 250,500,1000) for p50/p99 below saturation. A fresh database on the
 * machine's PostgreSQL; workers off (processing is not measured here). Prints one JSON
 * line and a summary. Run by hand: npx tsx bench/line-intake.ts [--duration 10] [--connections 20] [--rates 250,500,1000]
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import { Hono } from 'hono';
import os from 'node:os';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { queryRows } from '../db/client';
import { createApp } from '../src/app';
import { createLineWebhookRoutes } from '../src/bot/line/webhook-routes';
import { closeDeps, createDeps } from '../src/boot';
import { parseEnv } from '../src/config/env';
import { createLogger } from '../src/platform/logger';
import { machineInfo } from './support/machine';

const flag = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const duration = flag('duration', 10);
const connections = flag('connections', 20);
const rates = (process.argv.includes('--rates') ? process.argv[process.argv.indexOf('--rates') + 1]! : '250,500,1000').split(',').map(Number);
const PG = process.env.BENCH_PG_BASE ?? 'postgres://postgres@127.0.0.1:5432';
const SECRET = 'bench-secret';

function listen(fetch: (req: Request) => Response | Promise<Response>): Promise<{ url: string; close: () => void }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve({ url: `http://127.0.0.1:${info.port}`, close: () => server.close() }));
  });
}

let n = 0;
/** A LINE-shaped body with a fresh webhookEventId and user per request, signed like LINE signs it. */
function signedRequest(req: autocannon.Request) {
  n++;
  const body = JSON.stringify({
    destination: 'Ubench',
    events: [{ type: 'message', mode: 'active', timestamp: Date.now(), webhookEventId: `01BENCH${n}${randomBytes(4).toString('hex')}`, deliveryContext: { isRedelivery: false }, source: { type: 'user', userId: `Ubench${n % 5000}` }, replyToken: randomBytes(16).toString('hex'), message: { type: 'text', id: String(n), text: '36.8' } }],
  });
  const signature = createHmac('sha256', SECRET).update(body).digest('base64');
  return { ...req, method: 'POST', body, headers: { 'content-type': 'application/json', 'x-line-signature': signature } };
}

async function measure(name: string, url: string, path: string, overallRate?: number) {
  // At a fixed rate, autocannon corrects for coordinated omission: a late answer delays the schedule, not the figure.
  const result = await autocannon({ url, connections: overallRate ? Math.max(connections, 50) : connections, duration, ...(overallRate ? { overallRate } : {}), requests: [{ path, setupRequest: signedRequest as never }] });
  return {
    name,
    offeredRate: overallRate ?? null,
    requestsPerSecond: Math.round(result.requests.average),
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  };
}

const dbName = `mimamori_bench_line_${randomBytes(4).toString('hex')}`;
const admin = postgres(`${PG}/postgres`, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${dbName}`);
const prefix = `bench-${randomBytes(4).toString('hex')}`;
const env = parseEnv({ NODE_ENV: 'production', APP_SECRET: randomBytes(32).toString('hex'), DATABASE_URL: `${PG}/${dbName}`, LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: 'bench', LINE_API_BASE_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'warn', WORKERS: 'off' });
const deps = await createDeps(env, { logger: createLogger({ level: 'warn' }), queuePrefix: prefix });
try {
  const bare = new Hono();
  bare.post('/bare', async (c) => {
    await c.req.arrayBuffer();
    return c.json({ ok: true });
  });
  const bareServer = await listen(bare.fetch);
  const appServer = await listen(createApp(deps).fetch);
  // The same router with enqueueing switched off (as on Workers, where a NOTIFY trigger
  // replaces Redis): shows what the insert costs apart from BullMQ.
  const storeOnly = new Hono().route('/webhooks/line', createLineWebhookRoutes({ ...deps, jobs: { trigger: async () => false, triggerBulk: async () => false } }));
  const storeServer = await listen(storeOnly.fetch);
  // Warm up both (JIT, connection pool) before measuring.
  await autocannon({ url: appServer.url, connections, duration: 2, requests: [{ path: '/webhooks/line', setupRequest: signedRequest as never }] });
  await autocannon({ url: bareServer.url, connections, duration: 2, requests: [{ path: '/bare', setupRequest: signedRequest as never }] });
  const bareResult = await measure('bare Hono handler', bareServer.url, '/bare');
  const lineResult = await measure('POST /webhooks/line (verify + store + enqueue)', appServer.url, '/webhooks/line');
  const storeResult = await measure('  same, without enqueue (verify + store)', storeServer.url, '/webhooks/line');
  // Increasing offered rates below saturation: latency as LINE would see it at 1,000 events/s.
  const rated = [];
  for (const rate of rates) rated.push(await measure(`POST /webhooks/line at ${rate} req/s`, appServer.url, '/webhooks/line', rate));
  bareServer.close();
  appServer.close();
  storeServer.close();
  await new Promise((r) => setTimeout(r, 1000)); // let requests still in flight finish before the queues close
  const [stored] = await queryRows<{ n: number }>(deps.db, sql`select count(*)::int as n from inbound_events`);
  const queued = await deps.jobs.queue('inbound').getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  const enqueued = Object.values(queued).reduce((a, b) => a + b, 0);
  // Every stored event should have its job in Redis (a shortfall is left to the sweeper).
  // Baseline, same run: what PostgreSQL itself commits here — one single-row INSERT per
  // transaction from as many connections as autocannon uses (the intake commits once per event).
  const raw = postgres(`${PG}/${dbName}`, { max: connections, onnotice: () => {} });
  await raw`create table bench_commit (id bigserial primary key, body jsonb not null)`;
  let commits = 0;
  const until = Date.now() + Math.min(duration, 5) * 1000;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (Date.now() < until) {
      await raw`insert into bench_commit (body) values (${raw.json({ n: commits })})`;
      commits++;
    }
  }));
  const rawCommitsPerSecond = Math.round(commits / Math.min(duration, 5));
  await raw`drop table bench_commit`;
  await raw.end();
  const report = { bench: 'line-intake', ...machineInfo(), loadAverage1m: os.loadavg()[0], duration, connections, results: [bareResult, lineResult, storeResult, ...rated], at1000: rated.find((r) => r.offeredRate === 1000) ?? null, storedEvents: stored?.n ?? null, enqueuedJobs: enqueued, rawPostgresCommitsPerSecond: rawCommitsPerSecond, intakeShareOfBare: Math.round((lineResult.requestsPerSecond / bareResult.requestsPerSecond) * 1000) / 1000 };
  console.log(JSON.stringify(report));
  console.log(`\nLINE webhook intake, ${connections} connections × ${duration}s, ${report.cpus} CPUs, Node ${report.node}, rev ${report.revision}, load ${report.loadAverage1m?.toFixed(1)}`);
  for (const r of report.results) console.log(`  ${r.name.padEnd(48)} ${String(r.requestsPerSecond).padStart(7)} req/s   p50 ${r.p50ms} ms   p99 ${r.p99ms} ms   non-2xx ${r.non2xx}`);
  if (report.at1000) console.log(`  at 1,000 req/s offered: ${report.at1000.requestsPerSecond} req/s served, p50 ${report.at1000.p50ms} ms, p99 ${report.at1000.p99ms} ms (target p99 < 100 ms)`);
  console.log(`  intake = ${(report.intakeShareOfBare * 100).toFixed(1)} % of bare Hono (target ≥ 75 %); raw PostgreSQL single-row commits, ${connections} connections: ${rawCommitsPerSecond} /s`);
  console.log(`  events stored ${report.storedEvents} (the store-only run enqueues nothing), inbound jobs in Redis ${report.enqueuedJobs}`);
} finally {
  const keys = await deps.redis.keys(`${prefix}:*`).catch(() => [] as string[]);
  if (keys.length) await deps.redis.del(...keys).catch(() => 0);
  await closeDeps(deps);
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
