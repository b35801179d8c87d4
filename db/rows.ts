import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from './client';

/**
 * A statement's rows, whichever driver ran it (postgres.js returns them as an array, PGlite as
 * `{ rows }`). On its own (types only from ./client) so code the Workers intake bundles may use it.
 */
export async function queryRows<T = Record<string, unknown>>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * A set of ids as one uuid[] parameter (an array literal): `id = any(${uuidArray(ids)})` is
 * probed by primary key whatever the set's size, and a set of more than 64 stays an unnamed
 * statement, planned for its size every run (traced-sql.ts) — never `in ($1 … $500)`.
 */
export const uuidArray = (ids: readonly string[]): SQL => sql`${`{${ids.join(',')}}`}::uuid[]`;
