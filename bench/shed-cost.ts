/**
 * What one LINE webhook costs the intake process in CPU, shed (503, the overload gate
 * closed) against stored (200): the real app (createDeps + createApp) in a child process
 * whose CPU is read from /proc, loaded by autocannon from this process at a fixed rate. The
 * gate is a real BacklogGate whose reading is fixed (past the limit, or empty). Three cases:
 * a signed request while the gate is closed, a badly signed one while it is closed, a
 * signed one while it is open (verify, store, enqueue). Prints CPU ms per request and
 * p50/p99 for each, and one JSON line.
 * Run: npx tsx bench/shed-cost.ts [--rate 1000] [--seconds 5] [--cpu-prof DIR]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { createApp } from '../src/app';
import { closeDeps, createDeps } from '../src/boot';
import { parseEnv } from '../src/config/env';
import { BacklogGate } from '../src/platform/backlog-gate';
import { createLogger } from '../src/platform/logger';
import { cpuSecondsOf } from './support/cpu';
import { machineInfo } from './support/machine';

const flag = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const PG = process.env.BENCH_PG_BASE ?? 'postgres://postgres@127.0.0.1:5432';
const SECRET = 'bench-shed-secret';

/** The child: the app on a random port with the gate closed or open; prints the port. */
async function serveChild(dbName: string, closed: boolean) {
  const env = parseEnv({ NODE_ENV: 'production', APP_SECRET: randomBytes(32).toString('hex'), DATABASE_URL: `${PG}/${dbName}`, LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: 'bench', LINE_API_BASE_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'warn', MIMAMORI_ROLE: 'intake', INBOX_BACKLOG_LIMIT: '100' });
  const logger = createLogger({ level: 'error' });
  const deps = await createDeps(env, { logger, queuePrefix: `bench-shed-${randomBytes(4).toString('hex')}` });
  const gate = new BacklogGate({ read: async () => ({ backlog: closed ? 1_000_000 : 0, oldestAgeSeconds: 0 }), limit: closed ? 100 : Number.MAX_SAFE_INTEGER, maxAgeSeconds: 0, retryAfterSeconds: 2, logger });
  await gate.refresh();
  deps.inboxGate = gate;
  const server = serve({ fetch: createApp(deps).fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => process.stdout.write(`port ${info.port}\n`));
  process.on('SIGTERM', () => {
    server.close();
    void closeDeps(deps).then(() => process.exit(0));
  });
}

function startChild(dbName: string, closed: boolean): Promise<{ child: ChildProcess; url: string }> {
  // --cpu-prof DIR: the server runs under node's CPU profiler (one .cpuprofile per server in DIR).
  const profileDir = flag('cpu-prof', '');
  const child = profileDir
    ? spawn(process.execPath, [`--cpu-prof`, `--cpu-prof-dir=${profileDir}`, '--import', 'tsx', import.meta.filename, '--child', dbName, closed ? 'closed' : 'open'], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(path.resolve(import.meta.dirname, '../node_modules/.bin/tsx'), [import.meta.filename, '--child', dbName, closed ? 'closed' : 'open'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      const m = /port (\d+)/.exec(String(d));
      if (m) resolve({ child, url: `http://127.0.0.1:${m[1]}` });
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
}

/** The child's CPU seconds (tsx runs node as its child). */
function cpuOfTree(pid: number): number {
  const kids = (() => {
    try {
      return String(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  })();
  return cpuSecondsOf(pid) + kids.reduce((n, k) => n + cpuOfTree(k), 0);
}

let n = 0;
function lineRequest(signed: boolean) {
  return (req: autocannon.Request) => {
    n++;
    const body = JSON.stringify({
      destination: 'Ubench',
      events: [{ type: 'message', mode: 'active', timestamp: Date.now(), webhookEventId: `01SHED${n}${randomBytes(4).toString('hex')}`, deliveryContext: { isRedelivery: false }, source: { type: 'user', userId: `Ubench${n % 5000}` }, replyToken: randomBytes(16).toString('hex'), message: { type: 'text', id: String(n), text: '36.8' } }],
    });
    const signature = signed ? createHmac('sha256', SECRET).update(body).digest('base64') : 'bm90IHRoZSBzaWduYXR1cmU=';
    return { ...req, method: 'POST', body, headers: { 'content-type': 'application/json', 'x-line-signature': signature } };
  };
}

async function measure(name: string, server: { child: ChildProcess; url: string }, signed: boolean, rate: number, seconds: number) {
  const opts = { url: server.url, connections: 50, requests: [{ path: '/webhooks/line', setupRequest: lineRequest(signed) as never }] };
  await autocannon({ ...opts, duration: 2, overallRate: rate }); // warm-up: JIT, pool
  const before = cpuOfTree(server.child.pid!);
  const r = await autocannon({ ...opts, duration: seconds, overallRate: rate });
  const cpu = cpuOfTree(server.child.pid!) - before;
  const statuses = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, (v as { count: number }).count]));
  return { name, rate, requests: r.requests.total, statuses, errors: r.errors, p50ms: r.latency.p50, p99ms: r.latency.p99, cpuMsPerRequest: Number(((cpu * 1000) / Math.max(1, r.requests.total)).toFixed(3)) };
}

async function main() {
  const rate = Number(flag('rate', '1000'));
  const seconds = Number(flag('seconds', '5'));
  const dbName = `mimamori_bench_shed_${randomBytes(4).toString('hex')}`;
  const admin = postgres(`${PG}/postgres`, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  const servers: { child: ChildProcess; url: string }[] = [];
  try {
    const closed = await startChild(dbName, true);
    servers.push(closed);
    const results = [await measure('gate closed, signed', closed, true, rate, seconds), await measure('gate closed, bad signature', closed, false, rate, seconds)];
    const open = await startChild(dbName, false);
    servers.push(open);
    results.push(await measure('gate open, signed (stored)', open, true, rate, seconds));
    const report = { bench: 'shed-cost', ...machineInfo(), loadAverage1m: Number(os.loadavg()[0]!.toFixed(1)), seconds, results };
    console.log(JSON.stringify(report));
    console.log(`\nLINE webhook CPU on the intake process, ${rate} req/s offered × ${seconds} s, ${report.cpus} CPUs, ${report.revision}, load ${report.loadAverage1m}`);
    for (const r of results) console.log(`  ${r.name.padEnd(30)} ${String(r.cpuMsPerRequest).padStart(7)} CPU ms/request   p50 ${r.p50ms} ms   p99 ${r.p99ms} ms   ${JSON.stringify(r.statuses)}`);
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => (s.child.exitCode !== null ? undefined : new Promise((r) => s.child.once('exit', r)))));
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

if (process.argv[2] === '--child') void serveChild(process.argv[3]!, process.argv[4] === 'closed');
else
  main().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
