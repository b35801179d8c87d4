import { and, inArray, sql } from 'drizzle-orm';
// Types only from db/client: the Workers bundle must not load the Node-side client (it reads files).
import type { Db } from '../../../db/client';
import { inboundEvents, type InboundProvider } from '../../../db/schema';

export type { InboundProvider } from '../../../db/schema';
export type { Db } from '../../../db/client';

/** One webhook event as the intake stores it (ids and the provider's payload; nothing is sent from here). */
export interface InboxRow {
  provider: InboundProvider;
  providerEventId: string;
  senderKey: string | null;
  payload: unknown;
  receivedAt: Date;
}

/** A stored event: its row id, whether it was stored before, and whether it was handled already. */
export interface StoredInboundEvent {
  id: string;
  provider: InboundProvider;
  /** Stored before (a redelivery, or a second copy in this write): nothing new was written. */
  duplicate: boolean;
  /** Already handled: no job needs to be announced for it. */
  processed: boolean;
}

const keyOf = (r: { provider: string; providerEventId: string }) => `${r.provider}\u0000${r.providerEventId}`;

/**
 * Store webhook events in the inbox, once per (provider, provider event id): one INSERT …
 * ON CONFLICT DO NOTHING for all of them, and one look-up of the ones known already.
 * Returns one entry per row, in the order given; the first copy of an event in `rows` is
 * the new one, any other copy a duplicate.
 */
export async function storeInboundEvents(db: Db, rows: InboxRow[]): Promise<StoredInboundEvent[]> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insert(inboundEvents)
    .values(rows)
    .onConflictDoNothing()
    .returning({ id: inboundEvents.id, provider: inboundEvents.provider, providerEventId: inboundEvents.providerEventId });
  const fresh = new Map(inserted.map((r) => [keyOf(r), r.id]));
  const seen = rows.filter((r) => !fresh.has(keyOf(r)));
  const known = new Map<string, { id: string; processed: boolean }>();
  if (seen.length > 0) {
    const found = await db
      .select({ id: inboundEvents.id, provider: inboundEvents.provider, providerEventId: inboundEvents.providerEventId, processed: sql<boolean>`${inboundEvents.processedAt} is not null` })
      .from(inboundEvents)
      .where(and(inArray(inboundEvents.provider, [...new Set(seen.map((r) => r.provider))]), inArray(inboundEvents.providerEventId, seen.map((r) => r.providerEventId))));
    for (const f of found) known.set(keyOf(f), { id: f.id, processed: f.processed });
  }
  const claimed = new Set<string>();
  return rows.map((r) => {
    const key = keyOf(r);
    const id = fresh.get(key);
    if (id && !claimed.has(key)) {
      claimed.add(key);
      return { id, provider: r.provider, duplicate: false, processed: false };
    }
    const k = id ? { id, processed: false } : known.get(key);
    if (!k) throw new Error('inbound event vanished between insert and select');
    return { id: k.id, provider: r.provider, duplicate: true, processed: k.processed };
  });
}
