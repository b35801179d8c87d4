import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import * as schema from './schema';
import { tracedSql } from './traced-sql';
import { queryRows } from './rows';

export { queryRows };

export type Schema = typeof schema;
/** The one database type every verb takes: PostgreSQL (postgres.js) or embedded PGlite. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface DbHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** The raw postgres.js client (bulk COPY, LISTEN/NOTIFY); undefined on PGlite. */
  pg?: import('postgres').Sql;
  close(): Promise<void>;
  /** PGlite only: the whole data directory as a gzipped tarball (npm run cli -- backup). */
  dumpDataDir?: () => Promise<Blob>;
}

/**
 * How Node's connections name themselves to PostgreSQL. The inbound_events NOTIFY trigger
 * (db/migrations/0003_…) skips rows inserted under this name: the Node intake enqueues
 * those itself. Change both together.
 */
export const NODE_APPLICATION_NAME = 'mimamori';

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * The db client factory. A postgres:// URL uses postgres.js; no URL uses an embedded
 * PGlite whose files live in dataDir (created on first start).
 * @example const { db, close } = await createDb({ url: process.env.DATABASE_URL, dataDir: './.data' })
 */
export async function createDb(opts: { url?: string; dataDir?: string; max?: number; onStatement?: (query: string, params: readonly unknown[]) => void }): Promise<DbHandle> {
  if (opts.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    // A short connect timeout: a webhook whose database is unreachable answers 5xx in seconds (the provider redelivers).
    // JIT off: the set-based statements of a round are estimated costly enough to be compiled, and
    // compiling took 1.5 s of the 3.4 s a 25,000-person chunk's creation took (EXPLAIN ANALYZE).
    const pg = tracedSql(postgres(opts.url, { max: opts.max ?? 10, connect_timeout: 5, onnotice: () => {}, connection: { application_name: NODE_APPLICATION_NAME, jit: 'off' }, ...(opts.onStatement ? { debug: (_c: number, query: string, params: unknown[]) => opts.onStatement!(query, params) } : {}) }));
    const db = drizzle(pg, { schema }) as unknown as Db;
    return { db, kind: 'postgres', pg, close: () => pg.end({ timeout: 5 }) };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  let client: InstanceType<typeof PGlite>;
  if (opts.dataDir === 'memory://') client = new PGlite();
  else {
    const dir = path.resolve(opts.dataDir ?? './.data', 'pglite');
    mkdirSync(dir, { recursive: true });
    client = new PGlite(dir);
  }
  const db = drizzle(client, { schema }) as unknown as Db;
  return { db, kind: 'pglite', close: () => client.close(), dumpDataDir: () => client.dumpDataDir('gzip') };
}

/**
 * Restore a PGlite back-up (npm run cli -- restore) into `dataDir`, which must not hold a
 * database yet: a restore never overwrites data. Opens the tarball once and closes it.
 */
export async function restorePgliteDataDir(dataDir: string, tarball: Blob): Promise<void> {
  const dir = path.resolve(dataDir, 'pglite');
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${dir} already holds a database; restore into an empty DATA_DIR`);
  mkdirSync(dir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const client = new PGlite(dir, { loadDataDir: tarball });
  await client.waitReady;
  await client.close();
}

/**
 * Apply the checked-in migrations (the same files on PostgreSQL and PGlite). Nothing is run
 * when the newest one is already applied: the application's limited database role may read
 * the migrations table but not create anything (README: Deployment: database roles), so it
 * starts on a migrated database and says clearly what to do on one that is not.
 */
export async function migrateDb(handle: DbHandle): Promise<void> {
  if (await migrationsApplied(handle)) return;
  try {
    if (handle.pg) {
      await migratePostgres(handle.pg);
    } else {
      // PGlite has one owner (this process): nobody can migrate alongside it.
      const { migrate } = await import('drizzle-orm/pglite/migrator');
      await migrate(handle.db as never, { migrationsFolder: MIGRATIONS_DIR });
    }
  } catch (err) {
    const code = (err as { code?: string; cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
    if (code !== '42501') throw err;
    throw new Error('database migrations are pending and this database role may not apply them: run `npm run cli -- migrate` with the owner role\'s DATABASE_URL (README: Deployment: database roles)', { cause: err });
  }
}

/** Whether the newest checked-in migration is recorded in drizzle's migrations table. */
async function migrationsApplied(handle: DbHandle): Promise<boolean> {
  const { readMigrationFiles } = await import('drizzle-orm/migrator');
  const newest = Math.max(...readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR }).map((m) => m.folderMillis));
  try {
    const [row] = await queryRows<{ last: string | number | null }>(handle.db, sql`select max(created_at) as last from drizzle.__drizzle_migrations`);
    return Number(row?.last ?? 0) >= newest;
  } catch {
    return false; // no migrations table yet (a new database), or no right to read it
  }
}

// Any fixed 64-bit number; only Mimamori's migrator takes it.
const MIGRATION_LOCK = 7_161_626_973_610_001n;

/**
 * drizzle's migrator, in one transaction behind an advisory lock: app processes started
 * at once (a deploy, several replicas) would otherwise all find the same migrations
 * missing and collide on CREATE. The others wait at the lock, then find nothing to do.
 * The bookkeeping is drizzle's own (drizzle.__drizzle_migrations, hash and folder time),
 * so drizzle-kit and the PGlite path see the same history.
 */
async function migratePostgres(pg: import('postgres').Sql): Promise<void> {
  const { readMigrationFiles } = await import('drizzle-orm/migrator');
  const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR });
  await pg.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK.toString()}::bigint)`;
    await tx`create schema if not exists drizzle`;
    await tx`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`;
    const [last] = await tx<{ created_at: string }[]>`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`;
    for (const migration of migrations) {
      if (last && Number(last.created_at) >= migration.folderMillis) continue;
      for (const statement of migration.sql) await tx.unsafe(statement);
      await tx`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`;
    }
  });
}

/**
 * How many rows the planner believes `query` returns (its top plan node's estimate): what the
 * statistics say, to compare with a count when deciding whether to refresh them.
 */
export async function plannerRowEstimate(db: DbOrTx, query: SQL): Promise<number> {
  const [row] = await queryRows<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] | string }>(db, sql`explain (format json) ${query}`);
  const plan = row?.['QUERY PLAN'];
  const parsed = typeof plan === 'string' ? (JSON.parse(plan) as [{ Plan: { 'Plan Rows': number } }]) : plan;
  return parsed?.[0]?.Plan['Plan Rows'] ?? 0;
}

/** (In ./rows, which the Workers intake may bundle.) */
export { uuidArray } from './rows';

export async function ping(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}

export { schema };

/**
 * LISTEN on `channel` with whichever client the handle holds (postgres.js, or PGlite's own
 * listen — one process, no reconnects); resolves to the function that stops listening.
 */
export async function listenChannel(handle: DbHandle, channel: string, onPayload: (payload: string) => void, onListen?: () => void): Promise<() => Promise<void>> {
  if (handle.pg) {
    // onListen: each time the connection listens, the first time and after a reconnect (notices meanwhile were missed).
    const meta = await handle.pg.listen(channel, onPayload, onListen);
    return () => meta.unlisten();
  }
  const client = (handle.db as unknown as { $client: { listen(ch: string, cb: (p: string) => void): Promise<() => Promise<void>> } }).$client;
  return client.listen(channel, onPayload);
}
