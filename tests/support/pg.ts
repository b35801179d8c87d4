import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { sql } from 'drizzle-orm';
import { createDb, queryRows, type DbHandle } from '../../db/client';

/** The machine's PostgreSQL (trust auth), as on CI. */
export const PG_BASE = process.env.TEST_PG_BASE ?? 'postgres://postgres@127.0.0.1:5432';
export const ADMIN_URL = `${PG_BASE}/postgres`;
export const dbUrl = (name: string) => `${PG_BASE}/${name}`;

export interface TestDatabase {
  name: string;
  url: string;
  handle: DbHandle;
  drop(): Promise<void>;
}

/** A fresh database for one test file, copied from the run's migrated template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = inject('templateDb');
  const name = `${template.replace('tpl', 'f')}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name} template ${template}`);
  } finally {
    await admin.end();
  }
  const url = dbUrl(name);
  const handle = await createDb({ url, max: 5 });
  return {
    name,
    url,
    handle,
    async drop() {
      await handle.close();
      const a = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** How often `table` has been analyzed (by anyone): pg_stat_user_tables, updated as ANALYZE ends. */
export async function analyzeCount(db: DbHandle['db'], table: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`select analyze_count::int as n from pg_stat_user_tables where relname = ${table}`);
  return row?.n ?? 0;
}
