import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Env } from './env';

// Not in env.ts: the Workers intake imports env.ts and must stay free of Node-only modules.
/**
 * The BullMQ prefix: QUEUE_PREFIX, else derived from the database so that two instances
 * sharing a Redis never share queues — `mimamori` for a PostgreSQL database named mimamori
 * (the name used so far), `mimamori-<database>` for any other, `mimamori-pglite-<hash of
 * DATA_DIR's absolute path>` for the embedded database.
 */
export function queuePrefix(env: Pick<Env, 'QUEUE_PREFIX' | 'DATABASE_URL' | 'DATA_DIR'>): string {
  if (env.QUEUE_PREFIX) return env.QUEUE_PREFIX;
  if (env.DATABASE_URL) {
    const name = decodeURIComponent(new URL(env.DATABASE_URL).pathname.replace(/^\//, '')) || 'postgres';
    const safe = name.replace(/[^A-Za-z0-9_.-]/g, '_');
    return safe === 'mimamori' ? 'mimamori' : `mimamori-${safe}`;
  }
  return `mimamori-pglite-${createHash('sha256').update(resolve(env.DATA_DIR)).digest('hex').slice(0, 8)}`;
}
