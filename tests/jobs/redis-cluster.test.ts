import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseEnv } from '../../src/config/env';
import { defineJob } from '../../src/jobs/define';
import { JobRunner } from '../../src/jobs/runner';
import { createLogger } from '../../src/platform/logger';
import { createRedis, type RedisClient } from '../../src/platform/redis';
import { LogCapture } from '../support/deps';

/**
 * Issue 16, "Redis beyond one node": a local 3-master Redis Cluster started by the test
 * (redis-server --cluster-enabled yes ×3, redis-cli --cluster create), and a queue
 * round-trip through the app's own Redis factory and JobRunner: a job added and processed,
 * the queue's limiter and the shared send limiter holding their rate.
 */
const run = promisify(execFile);
const servers: ChildProcess[] = [];
let dir = '';
let ports: number[] = [];

/** A port whose cluster bus port (+10000) is free as well. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    if ((await isFree(port)) && (await isFree(port + 10000))) return port;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const cli = (port: number, ...args: string[]) => run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]).then((r) => r.stdout);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mimamori-cluster-'));
  while (ports.length < 3) {
    const p = await freePort();
    if (!ports.includes(p)) ports.push(p);
  }
  for (const port of ports) {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], { stdio: 'ignore' });
    servers.push(child);
  }
  for (const port of ports) await waitFor(`redis-server on ${port}`, async () => (await cli(port, 'PING')).trim() === 'PONG');
  await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
  for (const port of ports) await waitFor(`cluster state ok on ${port}`, async () => (await cli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'));
}, 60_000);

afterAll(async () => {
  for (const s of servers) s.kill('SIGTERM');
  await Promise.all(servers.map((s) => (s.exitCode !== null ? Promise.resolve() : new Promise((r) => s.once('exit', r)))));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('BullMQ on a 3-master Redis Cluster through the app factory', () => {
  it('adds and processes jobs on two queues, spread over the masters, and keeps both rate limits', async () => {
    const env = parseEnv({ NODE_ENV: 'test', REDIS_URL: `redis+cluster://127.0.0.1:${ports[0]},127.0.0.1:${ports[1]}` });
    const logs = new LogCapture();
    const logger = createLogger({ level: 'info', destination: logs });
    const redis: RedisClient = createRedis(env.REDIS_URL, logger);
    expect(redis).toBeInstanceOf(Cluster);
    await waitFor('the app connection', async () => redis.status === 'ready');

    const done: { queue: string; n: number; at: number }[] = [];
    const inbound = defineJob({ name: 'test.cluster-inbound', queue: 'inbound', version: 1, payload: z.object({ n: z.number() }), handler: async ({ n }) => void done.push({ queue: 'inbound', n, at: Date.now() }) });
    const rounds = defineJob({ name: 'test.cluster-rounds', queue: 'rounds', version: 1, payload: z.object({ n: z.number() }), handler: async ({ n }) => void done.push({ queue: 'rounds', n, at: Date.now() }) });
    const prefix = 'mmt-cluster';
    const runner = new JobRunner({ redis, redisUrl: env.REDIS_URL, prefix, logger, jobs: [inbound, rounds], settings: { inbound: { concurrency: 4 }, rounds: { concurrency: 1, limiter: { max: 2, duration: 1000 } } } });
    try {
      runner.startWorkers({ env, logger } as never, { scheduler: false });
      for (let n = 0; n < 3; n++) expect(await runner.trigger(inbound, { n }, { jobId: `in:${n}` })).toBe(true);
      expect(await runner.triggerBulk(rounds, [0, 1, 2, 3, 4].map((n) => ({ payload: { n }, jobId: `r:${n}` })))).toBe(true);
      // The same id again is not a second job.
      expect(await runner.trigger(inbound, { n: 0 }, { jobId: 'in:0' })).toBe(true);
      await waitFor('8 jobs processed', async () => done.length >= 8, 20_000);
      await new Promise((r) => setTimeout(r, 200));
      expect(done.filter((d) => d.queue === 'inbound').map((d) => d.n).sort()).toEqual([0, 1, 2]);
      const roundsDone = done.filter((d) => d.queue === 'rounds').sort((a, b) => a.at - b.at);
      expect(roundsDone.map((d) => d.n).sort()).toEqual([0, 1, 2, 3, 4]);
      // At most 2 a second on the rounds queue: the 5th job no sooner than about 2 windows after the 1st.
      expect(roundsDone[4]!.at - roundsDone[0]!.at).toBeGreaterThanOrEqual(1500);

      // Each queue's keys are in one slot (the hash tag), and the two queues are on different slots.
      const slotOf = async (key: string) => Number(await cli(ports[0]!, 'CLUSTER', 'KEYSLOT', key));
      const inboundKey = runner.queue('inbound').keys.wait!;
      expect(inboundKey).toBe('mmt-cluster:{inbound}:inbound:wait');
      expect(await slotOf(inboundKey)).toBe(await slotOf(runner.queue('inbound').keys.events!));
      expect(await slotOf(inboundKey)).not.toBe(await slotOf(runner.queue('rounds').keys.wait!));

      // The send limiter (a Lua script on one key) shares its limit through the cluster.
      const limiter = runner.sendLimiter('cluster-test', 2);
      const t0 = Date.now();
      for (let i = 0; i < 5; i++) await limiter.acquire();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
      // The typed-red hints (one script call over 4,096 buckets, and the hint bodies) live in one slot too.
      const senders = Array.from({ length: 50 }, (_, i) => createHash('sha256').update(`line:U${i}`).digest('hex'));
      await runner.typedRedHints.remember(new Map(senders.map((k) => [k, { kind: 'yes' as const }])));
      expect((await runner.typedRedHints.read(senders)).size).toBe(50);
      expect(await runner.typedRedHints.looksRed([{ senderKey: senders[7]!, text: 'はい' }, { senderKey: 'nobody', text: 'はい' }])).toEqual([true, false]);
      expect(logs.text).not.toMatch(/CROSSSLOT|could not enqueue/);
    } finally {
      await runner.close(5000);
      redis.disconnect();
    }
  }, 45_000);
});
