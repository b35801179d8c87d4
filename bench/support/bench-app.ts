import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import postgres from 'postgres';
import { createApp } from '../../src/app';
import { closeDeps, createDeps } from '../../src/boot';
import { parseEnv } from '../../src/config/env';
import type { Deps } from '../../src/deps';
import { systemActor, withTransaction } from '../../src/domain/context';
import { createStaff } from '../../src/domain/staff/create-staff';
import { createLogger } from '../../src/platform/logger';

export const PG_BASE = process.env.BENCH_PG_BASE ?? 'postgres://postgres@127.0.0.1:5432';
// Not built on the e-mail address: the password check refuses that.
export const ADMIN = { email: 'bench-admin@example.jp', password: 'quiet-evening-rain-42' };

export interface BenchApp {
  deps: Deps;
  url: string;
  close(): Promise<void>;
}

/**
 * The real app (createDeps + createApp) on a fresh PostgreSQL database and a private BullMQ
 * prefix, served by @hono/node-server on 127.0.0.1 at a random port. The database and the
 * Redis keys are dropped on close, so a scenario leaves nothing behind.
 */
export async function startBenchApp(opts: { env?: Record<string, string>; now?: () => Date; workers?: boolean }): Promise<BenchApp> {
  const dbName = `mimamori_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(`${PG_BASE}/postgres`, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const env = parseEnv({ NODE_ENV: 'production', APP_SECRET: randomBytes(32).toString('hex'), DATABASE_URL: `${PG_BASE}/${dbName}`, LOG_LEVEL: 'warn', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, REQUIRE_TOTP_FOR: 'officers', ...opts.env });
  const deps = await createDeps(env, { logger: createLogger({ level: 'warn' }), queuePrefix: prefix, ...(opts.now ? { now: opts.now } : {}) });
  const app = createApp(deps);
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve({ server: s, port: info.port }));
  });
  if (opts.workers) deps.jobs.startWorkers(deps, { scheduler: false });
  return {
    deps,
    url: `http://127.0.0.1:${port}`,
    async close() {
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
      const keys = await deps.redis.keys(`${prefix}:*`).catch(() => [] as string[]);
      for (let i = 0; i < keys.length; i += 1000) await deps.redis.del(...keys.slice(i, i + 1000)).catch(() => 0);
      await closeDeps(deps);
      await admin.unsafe(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    },
  };
}

/** A nurse of one health centre (nurses sign in with a password alone; administrators need TOTP). */
export async function createBenchNurse(deps: Deps, jurisdictionCode: string): Promise<{ email: string; password: string }> {
  const nurse = { email: `nurse-${jurisdictionCode}@bench.example.jp`, password: 'silent-morning-snow-17' };
  await withTransaction(deps.db, { actor: systemActor('bench'), now: deps.now() }, (ctx) =>
    createStaff({ ctx, input: { email: nurse.email, displayName: 'ベンチ看護師', password: nurse.password, role: 'nurse', jurisdictionCode } }),
  );
  return nurse;
}
