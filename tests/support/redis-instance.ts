import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/**
 * A private redis-server for fault tests, on its own free port, so a test can stop it,
 * flush it or replace it without touching the machine's shared Redis (other engineers'
 * tests run on 127.0.0.1:6379 in parallel). No persistence: a restart is a fresh Redis.
 * @example const r = await startRedisInstance(); await r.stop(); await r.start(); await r.close();
 */
export interface RedisInstance {
  port: number;
  url: string;
  /** Start (again) on the same port; resolves when it answers PING. */
  start(): Promise<void>;
  /** SIGKILL: every connection drops at once, as when the Redis host dies. */
  stop(): Promise<void>;
  /** FLUSHALL on this instance only. */
  flushAll(): Promise<void>;
  /** Stop and start: a fresh, empty Redis at the same address. */
  restart(): Promise<void>;
  running(): boolean;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      // not up yet
    } finally {
      probe.disconnect();
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server on ${url} did not answer within ${timeoutMs} ms`);
}

export async function startRedisInstance(opts: { port?: number } = {}): Promise<RedisInstance> {
  const port = opts.port ?? (await freePort());
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;

  const start = async () => {
    if (child) return;
    // noeviction as BullMQ needs it; nothing saved, so a restart comes back empty.
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
    child = proc;
    proc.once('exit', () => {
      if (child === proc) child = null;
    });
    await waitForPing(url, 5_000);
  };
  const stop = async () => {
    const proc = child;
    if (!proc) return;
    child = null;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await exited;
  };
  const flushAll = async () => {
    const c = new Redis(url, { maxRetriesPerRequest: 1 });
    try {
      await c.flushall();
    } finally {
      c.disconnect();
    }
  };
  await start();
  return {
    port,
    url,
    start,
    stop,
    flushAll,
    restart: async () => {
      await stop();
      await start();
    },
    running: () => child !== null,
    close: stop,
  };
}
