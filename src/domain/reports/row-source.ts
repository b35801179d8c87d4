import { PgDialect } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import { queryRows, type DbHandle } from '../../../db/client';

export const EXPORT_CHUNK = 1000;

/**
 * A query an export reads in chunks. `build(after, limit)` returns the page after the
 * given row (keyset: the WHERE compares the ORDER BY columns to `after`'s key), or the
 * whole ordered query when `limit` is null (the cursor reads that one in chunks).
 */
export interface ChunkedQuery<R> {
  build(after: R | null, limit: number | null): SQL;
}

const dialect = new PgDialect();

/** Tests force the keyset path on PostgreSQL and small chunks to cross page boundaries. */
export interface ReadOptions {
  mode?: 'cursor' | 'keyset';
  chunk?: number;
}

/**
 * Rows of a query, `EXPORT_CHUNK` at a time, never all in memory: on PostgreSQL a
 * postgres.js cursor over one ordered query (one snapshot, no re-planning per page); on
 * PGlite, which has no cursor API, keyset pages (`… where key > last order by key limit n`).
 * The consumer's pace drives the reads: nothing is fetched until the previous chunk is taken.
 */
export async function* readInChunks<R>(handle: DbHandle, query: ChunkedQuery<R>, opts: ReadOptions = {}): AsyncGenerator<R[]> {
  const mode = opts.mode ?? (handle.pg ? 'cursor' : 'keyset');
  const chunk = opts.chunk ?? EXPORT_CHUNK;
  if (mode === 'cursor' && handle.pg) {
    const { sql, params } = dialect.sqlToQuery(query.build(null, null));
    for await (const rows of handle.pg.unsafe(sql, params as never[]).cursor(chunk)) {
      yield rows as unknown as R[];
    }
    return;
  }
  let after: R | null = null;
  for (;;) {
    const rows: R[] = await queryRows<R>(handle.db, query.build(after, chunk));
    if (rows.length > 0) yield rows;
    if (rows.length < chunk) return;
    after = rows[rows.length - 1]!;
  }
}

/**
 * An export read person by person: the ids in scope, then the rows of a batch of them.
 * Scope and order are decided once; each batch is a small indexed query.
 */
export interface PersonBatchedQuery<R> {
  personIds: ChunkedQuery<{ id: string }>;
  rowsOf(ids: readonly string[]): SQL;
}

/** Persons per batch: a few thousand rows of observations, read through one index. */
export const PERSON_BATCH = 500;

export async function* readByPersons<R>(handle: DbHandle, query: PersonBatchedQuery<R>, opts: ReadOptions = {}): AsyncGenerator<R[]> {
  for await (const ids of readInChunks(handle, query.personIds, { ...opts, chunk: opts.chunk ?? PERSON_BATCH })) {
    const rows = await queryRows<R>(handle.db, query.rowsOf(ids.map((r) => r.id)));
    if (rows.length > 0) yield rows;
  }
}
