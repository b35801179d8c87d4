import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../../db/client';
import type { VerbArgs } from '../context';
import { requirePermission } from '../permissions';

/** The stored inbound events not yet processed, and how long the oldest has waited. Counts only. */
export interface InboxBacklog {
  backlog: number;
  oldestAgeSeconds: number;
}

/** Over `inbound_events where processed_at is null`: the count as `backlog`, the oldest's age in seconds as `oldest`. */
export const backlogColumns = (now: Date): SQL => sql`count(*) as backlog, extract(epoch from (${now.toISOString()}::timestamptz - min(received_at))) as oldest`;

/**
 * One statement on the partial index `inbound_events_unprocessed_idx` (only unprocessed rows
 * are in it), so its cost follows the backlog, not the table. The intake reads it once a
 * second (src/platform/backlog-gate.ts), never per request.
 */
export async function countInboxBacklog(db: DbOrTx, now: Date): Promise<InboxBacklog> {
  const [row] = await queryRows<{ backlog: string; oldest: string | null }>(db, sql`select ${backlogColumns(now)} from inbound_events where processed_at is null`);
  return { backlog: Number(row?.backlog ?? 0), oldestAgeSeconds: Math.max(0, Math.round(Number(row?.oldest ?? 0))) };
}

/** How long the oldest unprocessed inbox event has waited (ms; 0 when none): one probe of the partial index on received_at. */
export async function oldestInboxAgeMs(db: DbOrTx, now: Date): Promise<number> {
  const [row] = await queryRows<{ receivedAt: Date | string }>(db, sql`select received_at as "receivedAt" from inbound_events where processed_at is null order by received_at limit 1`);
  return row ? Math.max(0, now.getTime() - new Date(row.receivedAt).getTime()) : 0;
}

/** The inbox backlog for the national officers' operations panel (the whole installation's, counts only). */
export async function readInboxBacklog({ ctx }: VerbArgs<Record<string, never>>): Promise<InboxBacklog> {
  requirePermission(ctx.actor, 'readInboxBacklog');
  return countInboxBacklog(ctx.tx, ctx.now);
}
