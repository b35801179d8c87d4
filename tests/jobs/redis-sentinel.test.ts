import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseEnv } from '../../src/config/env';
import { defineJob } from '../../src/jobs/define';
import { JobRunner } from '../../src/jobs/runner';
import { createLogger } from '../../src/platform/logger';
import { createRedis, type RedisClient } from '../../src/platform/redis';
import { LogCapture } from '../support/deps';

/**
 * Issue 16, "Redis beyond one node" (Sentinel): the test starts a Redis master, a replica
 * (--replicaof) and a sentinel watching them (redis-server <conf> --sentinel, config in a
 * temp dir), then runs BullMQ jobs through Mimamori's own Redis client built from
 * `redis+sentinel://127.0.0.1:<sentinel port>/<master name>`. If a process cannot start
 * the test fails with what went wrong (nothing is skipped).
 */
const run = promisify(execFile);
const children: { name: string; child: ChildProcess; output: string[] }[] = [];
let dir = '';
let masterPort = 0;
let replicaPort = 0;
let sentinelPort = 0;
const MASTER_NAME = 'mimamori-test';

async function freePort(taken: number[]): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    if (!taken.includes(port) && (await isFree(port))) return port;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function start(name: string, args: string[]): void {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  child.on('error', (err) => output.push(`could not run redis-server: ${err.message}`));
  children.push({ name, child, output });
}

/** Wait for `check`; on time-out, fail with what the processes said (a sentinel that cannot start says why). */
async function waitFor(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    const dead = children.find((c) => c.child.exitCode !== null || c.child.signalCode !== null);
    if (dead) throw new Error(`${dead.name} (redis-server) exited while waiting for ${what}:\n${dead.output.join('').slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}:\n${children.map((c) => `--- ${c.name}\n${c.output.join('').slice(-1000)}`).join('\n')}`);
}

const cli = (port: number, ...args: string[]) => run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]).then((r) => r.stdout.trim());

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mimamori-sentinel-'));
  masterPort = await freePort([]);
  replicaPort = await freePort([masterPort]);
  sentinelPort = await freePort([masterPort, replicaPort]);
  const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--dir', dir];
  start('master', ['--port', String(masterPort), ...common]);
  start('replica', ['--port', String(replicaPort), '--replicaof', '127.0.0.1', String(masterPort), ...common]);
  await waitFor('the master', async () => (await cli(masterPort, 'PING')) === 'PONG');
  await waitFor('the replica in sync', async () => (await cli(replicaPort, 'INFO', 'replication')).includes('master_link_status:up'));
  // Sentinel rewrites its config file, so it must be a writable file of its own.
  const conf = join(dir, 'sentinel.conf');
  await writeFile(
    conf,
    [
      `port ${sentinelPort}`,
      'bind 127.0.0.1',
      'protected-mode no',
      `dir ${dir}`,
      `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 1`,
      `sentinel down-after-milliseconds ${MASTER_NAME} 5000`,
      `sentinel failover-timeout ${MASTER_NAME} 10000`,
      '',
    ].join('\n'),
  );
  start('sentinel', [conf, '--sentinel']);
  await waitFor('the sentinel to know the master and its replica', async () => {
    const addr = await cli(sentinelPort, 'SENTINEL', 'get-master-addr-by-name', MASTER_NAME);
    const replicas = await cli(sentinelPort, 'SENTINEL', 'replicas', MASTER_NAME);
    return addr.split('\n').includes(String(masterPort)) && replicas.includes(String(replicaPort));
  });
}, 60_000);

afterAll(async () => {
  for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(children.map(({ child }) => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r)))));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('BullMQ through Sentinel with the app factory', () => {
  it('finds the master through the sentinel, adds and processes jobs there, and the replica has them', async () => {
    const env = parseEnv({ NODE_ENV: 'test', REDIS_URL: `redis+sentinel://127.0.0.1:${sentinelPort}/${MASTER_NAME}` });
    const logs = new LogCapture();
    const logger = createLogger({ level: 'info', destination: logs });
    const redis: RedisClient = createRedis(env.REDIS_URL, logger);
    expect(redis).toBeInstanceOf(Redis);
    await waitFor('the app connection', async () => redis.status === 'ready');
    // The connection is the master's (found by asking the sentinel, not named in the URL).
    expect(await redis.info('replication')).toContain('role:master');
    expect(await (redis as Redis).config('GET', 'port')).toEqual(['port', String(masterPort)]);

    const done: number[] = [];
    const job = defineJob({ name: 'test.sentinel', queue: 'rounds', version: 1, payload: z.object({ n: z.number() }), handler: async ({ n }) => void done.push(n) });
    const prefix = 'mmt-sentinel';
    const runner = new JobRunner({ redis, redisUrl: env.REDIS_URL, prefix, logger, jobs: [job], settings: { rounds: { concurrency: 2 } } });
    try {
      runner.startWorkers({ env, logger } as never, { scheduler: false });
      expect(await runner.trigger(job, { n: 1 }, { jobId: 's:1' })).toBe(true);
      expect(await runner.triggerBulk(job, [2, 3, 4].map((n) => ({ payload: { n }, jobId: `s:${n}` })))).toBe(true);
      expect(await runner.trigger(job, { n: 1 }, { jobId: 's:1' })).toBe(true); // same id: no second job
      await waitFor('4 jobs processed', async () => done.length >= 4);
      await new Promise((r) => setTimeout(r, 200));
      expect(done.sort()).toEqual([1, 2, 3, 4]);
      expect(await runner.queue('rounds').getCompletedCount()).toBe(4);
      // The jobs live on the master and were replicated.
      const key = runner.queue('rounds').keys.completed!;
      expect(Number(await cli(masterPort, 'ZCARD', key))).toBe(4);
      await waitFor('the replica to have the queue', async () => Number(await cli(replicaPort, 'ZCARD', key)) === 4);
      expect(logs.text).not.toMatch(/could not enqueue/);
    } finally {
      await runner.close(5000);
      redis.disconnect();
    }
  }, 45_000);
});
