import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureServices } from '../../src/platform/services/ensure-services';
import { createHost } from '../../src/platform/services/host-tools';
import { probePostgres, probeRedis } from '../../src/platform/services/probe-services';
import { PG_BASE } from '../support/pg';
import { REDIS_URL } from '../support/deps';
import { freePort } from '../support/redis-instance';

/**
 * The checks `npm test` and `npm run services` run first (issue 24). Never against the
 * machine's shared PostgreSQL and Redis (other engineers' suites use them): a private
 * redis-server port and a private PostgreSQL cluster made here, and bare PATHs.
 */
const run = promisify(execFile);
const host = createHost({ ...process.env });
const cleanups: (() => Promise<unknown>)[] = [];
/** A directory holding only `node` (node lives in /usr/bin here, beside redis-server). */
let nodeDir = '';
beforeAll(async () => {
  nodeDir = await mkdtemp(join(tmpdir(), 'node-only-'));
  await symlink(process.execPath, join(nodeDir, 'node'));
  cleanups.push(() => rm(nodeDir, { recursive: true, force: true }));
});
afterAll(async () => {
  for (const clean of cleanups.reverse()) await clean().catch(() => {});
});

describe('installed but stopped: started by the check', () => {
  it('starts a stopped redis-server on its port and goes on', async () => {
    const port = await freePort();
    const redisUrl = `redis://127.0.0.1:${port}`;
    cleanups.push(() => run('redis-cli', ['-p', String(port), 'shutdown', 'nosave']));
    expect((await probeRedis(redisUrl)).state).toBe('down');
    const result = await ensureServices(host, { postgresUrl: `${PG_BASE}/postgres`, redisUrl });
    expect(result).toMatchObject({ ok: true, problem: '' });
    expect(result.done).toEqual([`started redis-server on 127.0.0.1:${port}`]);
    expect(await probeRedis(redisUrl)).toEqual({ state: 'up', major: expect.any(Number) });
    // Running now: a second check does nothing.
    expect((await ensureServices(host, { postgresUrl: `${PG_BASE}/postgres`, redisUrl })).done).toEqual([]);
  });

  it('starts a stopped PostgreSQL cluster (pg_ctlcluster) on its port and goes on', async () => {
    const port = await freePort();
    const name = `opsfresh_${randomBytes(3).toString('hex')}`;
    const version = (await run('ls', ['/etc/postgresql'])).stdout.trim().split('\n')[0]!;
    await run('pg_createcluster', [version, name, '-p', String(port), '--', '--auth-host=trust', '--auth-local=trust']);
    cleanups.push(() => run('pg_dropcluster', ['--stop', version, name]));
    const postgresUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    expect((await probePostgres(postgresUrl)).state).toBe('down');
    const result = await ensureServices(host, { postgresUrl, redisUrl: REDIS_URL });
    expect(result).toMatchObject({ ok: true, problem: '', done: [`started PostgreSQL ${version}/${name} on port ${port}`] });
    expect(await probePostgres(postgresUrl)).toEqual({ state: 'up', major: Number(version) });
  }, 60_000);
});

describe('not installed and nothing to install with: one message, exit non-zero', () => {
  it('npm test names what to install (apt, Homebrew) with a PATH holding only node', async () => {
    const [pgPort, redisPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/check-services.ts'], {
      env: { HOME: process.env.HOME, PATH: nodeDir, TEST_PG_BASE: `postgres://postgres@127.0.0.1:${pgPort}`, TEST_REDIS_URL: `redis://127.0.0.1:${redisPort}`, SKIP_BROWSER_CHECK: '1' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(out).toContain(`PostgreSQL (127.0.0.1:${pgPort}) and Redis (127.0.0.1:${redisPort}) are not installed`);
    expect(out).toContain('sudo apt-get install postgresql redis-server');
    expect(out).toContain('brew install postgresql@15 redis');
    expect(out).not.toMatch(/ECONNREFUSED|at .*\.ts:\d+/); // no connection errors, no stack
    expect(out.trim().split('\n').length).toBeLessThanOrEqual(4);
  });

  it('on Debian as root with apt-get on PATH, installs postgresql and redis-server with it', async () => {
    if (process.getuid?.() !== 0) throw new Error('this machine runs the suite as root (see .ci/run)');
    const dir = await mkdtemp(join(tmpdir(), 'fake-apt-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const log = join(dir, 'calls.log');
    await writeFile(join(dir, 'apt-get'), `#!/bin/sh\necho "[$DEBIAN_FRONTEND] $*" >> ${log}\n`);
    await chmod(join(dir, 'apt-get'), 0o755);
    const bare = createHost({ HOME: process.env.HOME }, `${dir}:${nodeDir}`);
    const result = await ensureServices(bare, { postgresUrl: `postgres://postgres@127.0.0.1:${await freePort()}/postgres`, redisUrl: `redis://127.0.0.1:${await freePort()}` });
    const calls = (await readFile(log, 'utf8')).trim().split('\n');
    expect(calls).toEqual(['[] update -qq', '[noninteractive] install -y -qq --no-install-recommends postgresql redis-server']);
    // The fake installed nothing: the check still says what is missing, and fails.
    expect(result.ok).toBe(false);
    expect(result.problem).toContain('are not installed');
  });

  it('refuses a server on another machine it cannot start, naming it', async () => {
    const result = await ensureServices(host, { postgresUrl: `${PG_BASE}/postgres`, redisUrl: 'redis://192.0.2.1:6379' });
    expect(result.ok).toBe(false);
    expect(result.problem).toBe('Redis at 192.0.2.1:6379 does not answer, and it is not on this machine, so it cannot be started from here.');
  });
});

describe('npm start without a reachable Redis', () => {
  it('names npm run services for a Redis on this machine, not for one elsewhere', async () => {
    const { createLogger } = await import('../../src/platform/logger');
    const { createRedis, localRedisHint } = await import('../../src/platform/redis');
    const { LogCapture } = await import('../support/deps');
    const logs = new LogCapture();
    const redis = createRedis(`redis://127.0.0.1:${await freePort()}`, createLogger({ level: 'info', destination: logs }));
    try {
      await new Promise((r) => redis.once('error', r));
      expect(logs.text).toContain('To install and start Redis (and PostgreSQL) on this machine: npm run services');
    } finally {
      redis.disconnect();
    }
    expect(localRedisHint('redis://localhost:6379')).toContain('npm run services');
    expect(localRedisHint('rediss://user:pw@redis.example.jp:6380')).toBe('');
  });
});
