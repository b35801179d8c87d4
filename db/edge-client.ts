import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Db } from './client';
import * as schema from './schema';

/**
 * A database for one Workers request, through the Hyperdrive binding's connection string.
 * Hyperdrive pools the real connections, so a client per request is the recommended use;
 * one connection is all the intake needs (insert, maybe one select). `fetch_types: false`
 * saves a round trip (inbound_events has no array columns). A short connect timeout, as
 * on Node: with the database unreachable the webhook answers 5xx in seconds and the
 * provider delivers again, rather than the provider timing out on us. Not db/client.ts's createDb:
 * that module reaches for PGlite and the file system, which have no place on Workers.
 */
export function openEdgeDb(connectionString: string): { db: Db; close(): Promise<void> } {
  const pg = postgres(connectionString, { max: 1, connect_timeout: 5, fetch_types: false, onnotice: () => {}, connection: { application_name: 'mimamori-worker' } });
  const db = drizzle(pg, { schema }) as unknown as Db;
  return { db, close: () => pg.end({ timeout: 5 }) };
}
