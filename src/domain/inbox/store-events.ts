import { and, inArray, sql } from 'drizzle-orm';
// Types only from db/client: the Workers bundle must not load the Node-side client (it reads files).
import type { Db } from '../../../db/client';
import { queryRows, uuidArray } from '../../../db/rows';
import { isUrgentAnswer } from '../../platform/line/postback';
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

/** A LINE button the engine marked red (`u=1`): stored `urgent`, the urgent lane's from the start. */
export const isTappedRed = (r: Pick<InboxRow, 'provider' | 'payload'>): boolean => r.provider === 'line' && isUrgentAnswer(r.payload);

const keyOf = (r: { provider: string; providerEventId: string }) => `${r.provider}\u0000${r.providerEventId}`;

/**
 * The write's rows as one JSON parameter, in their order (their `seq`, which orders a
 * sender's events, follows it): the statement's text is the same for any number of rows, so
 * it is prepared once per connection — a multi-row VALUES list was a new statement for each
 * size of write, parsed and planned every time, and built by the query builder value by value.
 */
function insertEvents(rows: InboxRow[]) {
  const json = JSON.stringify(rows.map((r) => ({ p: r.provider, e: r.providerEventId, s: r.senderKey, b: r.payload, t: r.receivedAt.toISOString(), u: isTappedRed(r) })));
  return sql`insert into inbound_events (provider, provider_event_id, sender_key, payload, received_at, urgent)
    select r.v->>'p', r.v->>'e', r.v->>'s', r.v->'b', (r.v->>'t')::timestamptz, (r.v->>'u')::boolean
    from jsonb_array_elements(${json}::jsonb) with ordinality as r(v, n) order by r.n
    on conflict do nothing
    returning id, provider, provider_event_id as "providerEventId"`;
}

/**
 * Store webhook events in the inbox, once per (provider, provider event id): one INSERT …
 * ON CONFLICT DO NOTHING for all of them, and one look-up of the ones known already.
 * Returns one entry per row, in the order given; the first copy of an event in `rows` is
 * the new one, any other copy a duplicate.
 */
export async function storeInboundEvents(db: Db, rows: InboxRow[]): Promise<StoredInboundEvent[]> {
  if (rows.length === 0) return [];
  const inserted = await queryRows<{ id: string; provider: string; providerEventId: string }>(db, insertEvents(rows));
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

/**
 * Mark stored events as the urgent lane's (a typed red answer, known only once its sender's
 * hint is read after the write): ordinary batches then leave them to their own job, and the
 * sweeper puts them back in that lane. A tapped red answer is marked by its insert.
 */
export async function markUrgentEvents(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`update inbound_events set urgent = true where id = any(${uuidArray(ids)}) and processed_at is null`);
}
