import { randomUUID } from 'node:crypto';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { signLineBody } from '../../src/bot/line/signature';
import type { Deps } from '../../src/deps';
import { Client, makeStaff, PASSWORD, type TestApp } from '../admin/support';
import { createCentre } from '../support/fixtures';
import { createTestDatabase, type TestDatabase } from '../support/pg';
import { startRedisInstance, type RedisInstance } from '../support/redis-instance';
import { freePort, spawnEntry, waitFor, type Spawned } from '../support/server-process';
import { startHeldLineApi, type HeldLineApi } from './support/held-line-api';

const LINE_SECRET = 'shutdown-line-secret';

let db: TestDatabase;
let redis: RedisInstance;
let line: HeldLineApi;
let server: Spawned;
let base: string;

beforeAll(async () => {
  [db, redis, line] = await Promise.all([createTestDatabase(), startRedisInstance(), startHeldLineApi()]);
  const centre = await createCentre(db.handle.db, { code: 'SD01' });
  await makeStaff({ db: db.handle.db, now: () => new Date() } as Deps, { email: 'nurse@shutdown.test', role: 'nurse', jurisdictionCode: centre.code });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawnEntry('src/server.ts', {
    PORT: String(port),
    DATABASE_URL: db.url,
    REDIS_URL: redis.url, // a private Redis: this server's queues use the default prefix
    LINE_CHANNEL_SECRET: LINE_SECRET,
    LINE_CHANNEL_ACCESS_TOKEN: 'shutdown-line-token',
    LINE_API_BASE_URL: line.url,
    REQUIRE_TOTP_FOR: 'officers',
    LOG_LEVEL: 'info',
    SHUTDOWN_GRACE_MS: '60000', // the test holds the request and the job as long as it needs, even on a loaded machine
  });
  await waitFor(`${base}/healthz`);
  await until(async () => (await fetch(`${base}/readyz`)).status === 200, 'the server to see Redis');
}, 150_000);

afterAll(async () => {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await server.exited;
  await Promise.all([db.drop(), redis.close(), line.close()]);
});

describe('SIGTERM', () => {
  it('stops accepting, ends the SSE stream cleanly, and lets a slow request in flight and a running job finish before closing the pools', async () => {
    // A nurse's console is open: a live SSE stream.
    const nurse = new Client({ request: (path: string, init?: RequestInit) => fetch(`${base}${path}`, { ...init, redirect: 'manual' }) } as unknown as TestApp);
    expect((await nurse.signIn('nurse@shutdown.test', PASSWORD)).status).toBe(303);
    const sse = await nurse.get('/admin/triage/stream');
    expect(sse.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = sse.body!.getReader();
    expect(new TextDecoder().decode((await events.read()).value)).toContain('event: ready');

    // A running job: the LINE follow greeting, whose reply the LINE API holds.
    const follow = await postLine(base, followEvent());
    expect(follow.status).toBe(200);
    await line.replyArrived;

    // A slow request in flight: the server has its headers (100 Continue), half its body.
    const slowBody = JSON.stringify({ destination: 'Ushutdown', events: [followEvent()] });
    const slow = await startSlowPost(`${base}/webhooks/line`, slowBody, { 'x-line-signature': await signLineBody(LINE_SECRET, slowBody) });
    slow.req.write(slowBody.slice(0, 20));

    server.child.kill('SIGTERM');
    await until(() => server.output().includes('shutting down'), 'the shutdown to begin');

    // The SSE stream ends (done, not an error) without waiting for the process to exit.
    expect(await withDeadline(drain(events), 10_000, 'the SSE stream to end')).toBe('ended');
    // No new connections.
    await expect(getFresh(`${base}/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    // The job finishes: its reply is sent and recorded, with the database still open.
    line.release();
    await until(async () => (await greetingsSent(db)) === 1, 'the held job to record its reply');
    expect(server.child.exitCode).toBeNull(); // still waiting for the slow request

    slow.req.end(slowBody.slice(20));
    const answer = await slow.response;
    expect(answer.status).toBe(200);

    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
    const [stored] = await queryRows<{ n: number }>(db.handle.db, sql`select count(*)::int as n from inbound_events where provider = 'line'`);
    expect(stored!.n).toBe(2); // the slow request's event was stored before the pool closed
  }, 120_000);
});

function followEvent() {
  return { type: 'follow', mode: 'active', timestamp: Date.now(), source: { type: 'user', userId: `U${randomUUID().replace(/-/g, '')}` }, webhookEventId: `01SHUTDOWN${randomUUID().replace(/-/g, '').toUpperCase()}`, deliveryContext: { isRedelivery: false }, replyToken: randomUUID().replace(/-/g, '') };
}

async function postLine(baseUrl: string, event: object): Promise<Response> {
  const body = JSON.stringify({ destination: 'Ushutdown', events: [event] });
  return fetch(`${baseUrl}/webhooks/line`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-line-signature': await signLineBody(LINE_SECRET, body) } });
}

/** A POST whose body the test sends later; resolves once the server took its headers (100 Continue). */
function startSlowPost(url: string, body: string, headers: Record<string, string>): Promise<{ req: ClientRequest; response: Promise<{ status: number; body: string }> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent: false, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' } });
    const response = new Promise<{ status: number; body: string }>((done, fail) => {
      req.on('response', (res: IncomingMessage) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
        res.on('error', fail);
      });
      req.on('error', fail);
    });
    response.catch(() => {}); // asserted by the test; avoid an unhandled rejection before then
    req.on('continue', () => resolve({ req, response }));
    req.on('error', reject);
    req.flushHeaders();
  });
}

/** A GET on a new connection (not a pooled keep-alive one). */
function getFresh(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<'ended'> {
  for (;;) if ((await reader.read()).done) return 'ended';
}

async function greetingsSent(testDb: TestDatabase): Promise<number> {
  const [row] = await queryRows<{ n: number }>(testDb.handle.db, sql`select count(*)::int as n from outbound_messages where kind = 'greeting' and status = 'sent'`);
  return row!.n;
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)))]).finally(() => clearTimeout(timer));
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await Promise.resolve().then(check).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
