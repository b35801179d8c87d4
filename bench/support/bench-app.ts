import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { eq } from 'drizzle-orm';
import { Secret } from 'otpauth';
import postgres from 'postgres';
import { staffUsers } from '../../db/schema';
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
 * Redis keys are dropped on close, so a scenario leaves nothing behind — unless `database`
 * names one to keep (or to reuse: an existing database is migrated, not recreated).
 */
export async function startBenchApp(opts: { env?: Record<string, string>; now?: () => Date; workers?: boolean; database?: { name: string; keep: boolean } }): Promise<BenchApp> {
  const dbName = opts.database?.name ?? `mimamori_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(`${PG_BASE}/postgres`, { max: 1, onnotice: () => {} });
  const [exists] = await admin<{ n: number }[]>`select count(*)::int as n from pg_database where datname = ${dbName}`;
  if (!exists?.n) await admin.unsafe(`create database ${dbName}`);
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
      if (!opts.database?.keep) await admin.unsafe(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    },
  };
}

/** A nurse of one health centre (nurses sign in with a password alone; administrators need TOTP). */
export async function createBenchNurse(deps: Deps, jurisdictionCode: string): Promise<{ email: string; password: string }> {
  return createBenchStaff(deps, 'nurse', jurisdictionCode);
}

/**
 * A staff user of any role; prefecture and national officers get a confirmed TOTP secret,
 * returned so the bench can pass the second sign-in step.
 */
export async function createBenchStaff(deps: Deps, role: 'nurse' | 'prefecture_officer' | 'national_officer', jurisdictionCode: string): Promise<{ email: string; password: string; totpSecret?: string }> {
  // A fresh address each time, so a kept database can be measured again.
  const user = { email: `${role}-${jurisdictionCode}-${randomBytes(3).toString('hex')}@bench.example.jp`, password: 'amber-lantern-harbor-93' }; // not built on the e-mail address: the password check refuses that
  const { id } = await withTransaction(deps.db, { actor: systemActor('bench'), now: deps.now() }, (ctx) =>
    createStaff({ ctx, input: { email: user.email, displayName: `ベンチ ${role}`, password: user.password, role, jurisdictionCode } }),
  );
  if (role === 'nurse') return user;
  const totpSecret = new Secret({ size: 20 }).base32;
  await deps.db.update(staffUsers).set({ totpSecret, totpLastStep: 0 }).where(eq(staffUsers.id, id));
  return { ...user, totpSecret };
}
