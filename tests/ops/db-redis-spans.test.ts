import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../support/deps';
import { createTestDatabase, type TestDatabase } from '../support/pg';

/**
 * Issue 23: PostgreSQL and Redis spans. The app's process started as `npm start` starts it
 * (the tracing preload before the modules it wraps) sends its spans to a collector — here a
 * local HTTP server taking OTLP/JSON — with a span per query (inside transactions too) and
 * per Redis command, under the span that caused them, and no bound values or keys in them.
 */
interface OtlpSpan { name: string; traceId: string; parentSpanId?: string; spanId: string; attributes: { key: string; value: Record<string, unknown> }[] }
let collector: Server;
let received: OtlpSpan[] = [];
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const json = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
      received.push(...json.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  collector?.close();
  await db?.drop();
});

const attr = (s: OtlpSpan, key: string) => Object.values(s.attributes.find((a) => a.key === key)?.value ?? {})[0];

describe('PostgreSQL and Redis spans', () => {
  it('sends a span per query and per Redis command, joined to the caller\'s trace, without bound values', async () => {
    received = [];
    const port = (collector.address() as AddressInfo).port;
    await promisify(execFile)(process.execPath, ['--import', 'tsx', '--import', './src/tracing-preload.ts', 'tests/ops/fixtures/trace-probe.ts'], {
      env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: db.url, REDIS_URL, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
      timeout: 90_000,
    });
    const probe = received.find((s) => s.name === 'probe');
    expect(probe, JSON.stringify(received.map((s) => s.name))).toBeDefined();
    const inTrace = received.filter((s) => s.traceId === probe!.traceId);
    const queries = inTrace.filter((s) => attr(s, 'db.system.name') === 'postgresql');
    expect(queries.map((s) => s.name)).toEqual(expect.arrayContaining(['SELECT', 'SELECT']));
    expect(queries.some((s) => String(attr(s, 'db.query.text')).includes('inside'))).toBe(true); // inside the transaction
    const redis = inTrace.filter((s) => attr(s, 'db.system.name') === 'redis');
    expect(redis.map((s) => s.name)).toContain('set');
    for (const s of [...queries, ...redis]) expect(s.parentSpanId).toBeTruthy();
    const text = JSON.stringify(inTrace);
    expect(text).not.toContain('見守 花子');
    expect(text).not.toContain('person-0f3c');
  }, 120_000);
});
