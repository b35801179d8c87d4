import { and, asc, desc, eq, inArray, like, sql, type SQL } from 'drizzle-orm';
import { queryRows, uuidArray, type DbOrTx } from '../../../db/client';
import { lineMulticasts, outboundMessages, type InboundProvider, type OutboundStatus } from '../../../db/schema';

/**
 * The outbox: every message or call to a patient is a row of outbound_messages, recorded
 * (in the transaction that decided to send it, under a retry key) → claimed → sent by the
 * channel's door → settled. These are the row operations; the doors (bot/line/outbox.ts,
 * bot/twilio/outbound.ts) only talk to the provider.
 */
export type OutboundRow = typeof outboundMessages.$inferSelect;
export type { OutboundStatus } from '../../../db/schema';

/** One message or call to record. */
export interface NewOutbound {
  personId: string | null;
  sessionId: string | null;
  channel: 'sms' | 'voice' | 'line' | 'mail'; // mail: a facility's round link to its staff (facility-round-link.ts)
  kind: string;
  retryKey: string;
  body: object | null;
}

/**
 * Record many messages in one statement (a round's rows, a batch of replies); a retry key
 * recorded before adds nothing. Returns every row of these retry keys, new or old, in the
 * order given, so a retried job finds what it recorded the first time.
 */
export async function recordOutboundRows(tx: DbOrTx, rows: readonly NewOutbound[], now: Date): Promise<OutboundRow[]> {
  if (rows.length === 0) return [];
  await tx
    .insert(outboundMessages)
    .values(rows.map((r) => ({ ...r, status: 'queued' as const, createdAt: now, updatedAt: now })))
    .onConflictDoNothing();
  const found = await tx.select().from(outboundMessages).where(inArray(outboundMessages.retryKey, rows.map((r) => r.retryKey)));
  const byKey = new Map(found.map((r) => [r.retryKey, r]));
  return rows.map((r) => byKey.get(r.retryKey)!);
}

/**
 * Record a message or call to send, once per retry key: a retried job finds the row it
 * wrote the first time (and sends it only if it is still queued).
 * Retry keys: `sms:<kind>:<sessionId>:<n>`, `sms:reply:<eventId>:<n>`, `call:<sessionId>:<n>`.
 */
export async function ensureOutbound(tx: DbOrTx, values: NewOutbound, now: Date): Promise<OutboundRow> {
  const [row] = await recordOutboundRows(tx, [values], now);
  return row!;
}

/** A LINE message request to record. */
export interface NewLineOutbound {
  retryKey: string;
  kind: string;
  personId: string | null;
  sessionId: string | null;
  body: object;
}

/** Record one LINE message request, in the caller's transaction; a known retry key adds nothing (null). */
export async function queueLineOutbound(tx: DbOrTx, item: NewLineOutbound, now: Date): Promise<string | null> {
  return (await queueLineOutboundMany(tx, [item], now)).get(item.retryKey) ?? null;
}

/** queueLineOutbound for many requests in one statement: the new rows' ids by retry key (a known retry key adds nothing and is absent). */
export async function queueLineOutboundMany(tx: DbOrTx, items: readonly NewLineOutbound[], now: Date): Promise<Map<string, string>> {
  return new Map((await insertLineOutbound(tx, items, now, 'queued')).map((r) => [r.retryKey, r.id]));
}

/**
 * Record LINE message requests already claimed by the run that records them (status
 * `sending`, the first attempt counted, `body.owner` naming the run): the run sends them
 * as soon as its transaction commits, without a claim statement (claimLeased would find
 * them its own anyway). After a crash the run's retry claims them as its own; the sweep
 * takes them after the sending lease. Returns the new rows (a known retry key: absent).
 */
export async function recordClaimedLineOutbound(tx: DbOrTx, items: readonly (NewLineOutbound & { body: { owner: string } })[], now: Date): Promise<OutboundRow[]> {
  return insertLineOutbound(tx, items, now, 'sending');
}

async function insertLineOutbound(tx: DbOrTx, items: readonly NewLineOutbound[], now: Date, status: 'queued' | 'sending'): Promise<OutboundRow[]> {
  if (items.length === 0) return [];
  // The rows as one json parameter: a statement of one parameter whatever the batch, prepared once per connection.
  const rows = items.map((item) => ({ kind: item.kind, retry_key: item.retryKey, person_id: item.personId, session_id: item.sessionId, body: item.body }));
  const at = now.toISOString();
  return queryRows<OutboundRow>(
    tx,
    sql`insert into outbound_messages (channel, kind, retry_key, person_id, session_id, body, status, attempts, created_at, updated_at)
      select 'line', kind, retry_key, person_id, session_id, body, ${status}, ${status === 'sending' ? 1 : 0}::int, ${at}::timestamptz, ${at}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(kind text, retry_key text, person_id uuid, session_id uuid, body jsonb)
      on conflict do nothing
      returning id, person_id as "personId", session_id as "sessionId", channel, kind, retry_key as "retryKey", provider_message_id as "providerMessageId", status, attempts,
        error_code as "errorCode", error_message as "errorMessage", body, created_at as "createdAt", updated_at as "updatedAt"`,
  );
}

/** Claim a queued row for sending; false when another worker (or an earlier run) already did. */
export async function claimQueued(db: DbOrTx, id: string, now: Date): Promise<boolean> {
  const claimed = await db
    .update(outboundMessages)
    .set({ status: 'sending', attempts: sql`${outboundMessages.attempts} + 1`, updatedAt: now })
    .where(and(eq(outboundMessages.id, id), eq(outboundMessages.status, 'queued')))
    .returning({ id: outboundMessages.id });
  return claimed.length === 1;
}

/**
 * Claim a row under a lease (LINE): its owner takes it when queued (or, after a crash, when
 * still marked as sending); anyone else only once the row is older than the lease. Returns
 * the row, or null if not ours.
 */
export async function claimLeased(db: DbOrTx, id: string, claimant: string, now: Date, lease: OutboxLease): Promise<OutboundRow | null> {
  const [row] = await claimLeasedMany(db, [id], claimant, now, lease);
  return row ?? null;
}

/**
 * claimLeased for many rows in one statement: the rows among `ids` the lease lets
 * `claimant` take, taken (status → sending, one more attempt); the others are left out.
 */
export async function claimLeasedMany(db: DbOrTx, ids: readonly string[], claimant: string, now: Date, lease: OutboxLease): Promise<OutboundRow[]> {
  if (ids.length === 0) return [];
  return db
    .update(outboundMessages)
    .set({ status: 'sending', attempts: sql`${outboundMessages.attempts} + 1`, updatedAt: now, body: sql`${outboundMessages.body} || ${JSON.stringify({ owner: claimant })}::jsonb` })
    .where(and(inArray(outboundMessages.id, [...ids]), leaseAllows({ status: sql`${outboundMessages.status}`, body: sql`${outboundMessages.body}`, updatedAt: sql`${outboundMessages.updatedAt}` }, { claimant, now, lease })))
    .returning();
}

export interface OutboxLease {
  queuedMs: number;
  sendingMs: number;
}

/** Who asks for rows under a lease, and when. */
export interface LeaseClaimant {
  claimant: string;
  now: Date;
  lease: OutboxLease;
}

/**
 * Whether a row may be claimed by `claimant` under the lease (claimLeased's condition, for
 * a statement naming the row's columns as it likes): queued and nobody's, the claimant's,
 * or untouched for the queued lease; being sent by the claimant, or untouched for the
 * sending lease.
 */
function leaseAllows(row: { status: SQL; body: SQL; updatedAt: SQL }, { claimant, now, lease }: LeaseClaimant): SQL {
  const queuedBefore = new Date(now.getTime() - lease.queuedMs).toISOString();
  const sendingBefore = new Date(now.getTime() - lease.sendingMs).toISOString();
  const owner = sql`${row.body}->>'owner'`;
  return sql`((${row.status} = 'queued' and (${owner} is null or ${owner} = ${claimant} or ${row.updatedAt} < ${queuedBefore}::timestamptz))
    or (${row.status} = 'sending' and (${owner} = ${claimant} or ${row.updatedAt} < ${sendingBefore}::timestamptz)))`;
}

/** In a lookup of rows `o`: only the ones `by` may claim (when given): rows another live job is sending are its own. */
const claimableAs = (by: LeaseClaimant | undefined) =>
  by ? leaseAllows({ status: sql.raw('o.status'), body: sql.raw('o.body'), updatedAt: sql.raw('o.updated_at') }, by) : sql`o.status in ('queued', 'sending')`;

/** Write the outcome of a send to its row; `merge` is added to the row's body (LINE: how it went out). */
export async function settleOutbound(
  db: DbOrTx,
  id: string,
  set: Partial<Pick<OutboundRow, 'status' | 'providerMessageId' | 'errorCode' | 'errorMessage'>>,
  now: Date,
  merge?: Record<string, unknown>,
): Promise<void> {
  await db
    .update(outboundMessages)
    .set({ ...set, updatedAt: now, ...(merge ? { body: sql`${outboundMessages.body} || ${JSON.stringify(merge)}::jsonb` } : {}) })
    .where(eq(outboundMessages.id, id));
}

/** One row's settlement in settleOutboundMany: its outcome (settleOutbound's fields), or `release` — claimed but not tried (back to queued, the attempt not counted). */
export type OutboundSettlement =
  | { id: string; release?: false; set: Partial<Pick<OutboundRow, 'status' | 'providerMessageId' | 'errorCode' | 'errorMessage'>>; merge?: Record<string, unknown> }
  | { id: string; release: true };

/** settleOutbound for many rows in one statement (the rows as one json parameter). */
export async function settleOutboundMany(db: DbOrTx, settlements: readonly OutboundSettlement[], now: Date): Promise<void> {
  if (settlements.length === 0) return;
  const rows = settlements.map((s) =>
    s.release
      ? { id: s.id, release: true }
      : {
          id: s.id,
          release: false,
          status: s.set.status ?? null,
          has_provider_id: 'providerMessageId' in s.set,
          provider_message_id: s.set.providerMessageId ?? null,
          has_error: 'errorCode' in s.set || 'errorMessage' in s.set,
          error_code: s.set.errorCode ?? null,
          error_message: s.set.errorMessage ?? null,
          merge: s.merge ?? null,
        },
  );
  await db.execute(sql`update outbound_messages o set
      status = case when v.release then 'queued' else coalesce(v.status, o.status) end,
      attempts = o.attempts - case when v.release then 1 else 0 end,
      provider_message_id = case when v.has_provider_id then v.provider_message_id else o.provider_message_id end,
      error_code = case when v.has_error then v.error_code else o.error_code end,
      error_message = case when v.has_error then v.error_message else o.error_message end,
      body = case when v.merge is null then o.body else o.body || v.merge end,
      updated_at = ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id uuid, release boolean, status text, has_provider_id boolean, provider_message_id text, has_error boolean, error_code text, error_message text, merge jsonb)
    where o.id = v.id`);
}

const RANK: Record<OutboundStatus, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, undelivered: 3, failed: 3 };

/**
 * Move a message's status forward only (queued → sending → sent → delivered, or →
 * undelivered / failed); a late 'sent' after 'delivered' changes nothing. Returns the row
 * when the status changed, null otherwise.
 */
export async function advanceOutboundStatus(tx: DbOrTx, row: OutboundRow, status: OutboundStatus, error: { code?: string | null }, now: Date): Promise<OutboundRow | null> {
  if (RANK[status] <= RANK[row.status]) return null;
  const [updated] = await tx
    .update(outboundMessages)
    .set({ status, errorCode: error.code ?? row.errorCode, updatedAt: now })
    .where(and(eq(outboundMessages.id, row.id), eq(outboundMessages.status, row.status)))
    .returning();
  return updated ?? null;
}

/** The row recorded under this retry key, if any (a retried job finds what it queued the first time). */
export async function outboundIdByRetryKey(db: DbOrTx, retryKey: string): Promise<string | null> {
  const [row] = await db.select({ id: outboundMessages.id }).from(outboundMessages).where(eq(outboundMessages.retryKey, retryKey));
  return row?.id ?? null;
}

/** Whether any row was recorded under a retry key starting with `prefix` (one send split into parts). */
export async function anyOutboundWithPrefix(db: DbOrTx, prefix: string): Promise<boolean> {
  const [row] = await db.select({ id: outboundMessages.id }).from(outboundMessages).where(like(outboundMessages.retryKey, `${prefix}%`)).limit(1);
  return Boolean(row);
}

/** The queued rows whose retry key starts with `prefix`, in key order (the parts of one send). */
export async function queuedWithPrefix(db: DbOrTx, prefix: string): Promise<OutboundRow[]> {
  return db
    .select()
    .from(outboundMessages)
    .where(and(like(outboundMessages.retryKey, `${prefix}%`), eq(outboundMessages.status, 'queued')))
    .orderBy(asc(outboundMessages.retryKey));
}

/** The body of the newest row sent for a session on a channel that has `key` (LINE: the last messages with their buttons). */
export async function lastOutboundBody(db: DbOrTx, sessionId: string, channel: OutboundRow['channel'], key: string): Promise<unknown> {
  const [last] = await db
    .select({ body: outboundMessages.body })
    .from(outboundMessages)
    .where(and(eq(outboundMessages.sessionId, sessionId), eq(outboundMessages.channel, channel), sql`${outboundMessages.body} ? ${key}`))
    .orderBy(desc(outboundMessages.createdAt))
    .limit(1);
  return last?.body ?? null;
}

/** The row a provider's status callback is about (its message or call id). */
export async function outboundByProviderId(db: DbOrTx, providerMessageId: string): Promise<OutboundRow | null> {
  const [row] = await db.select().from(outboundMessages).where(eq(outboundMessages.providerMessageId, providerMessageId)).limit(1);
  return row ?? null;
}

/** A notice that could not go out on any channel: recorded as failed (no provider), so a retry adds nothing. */
export async function recordUnsentOutbound(tx: DbOrTx, base: { personId: string; sessionId: string | null; kind: string; retryKey: string }, reason: string, now: Date): Promise<void> {
  await tx
    .insert(outboundMessages)
    .values({ ...base, channel: 'web', status: 'failed', errorCode: 'no_provider', errorMessage: reason, attempts: 1, body: null, createdAt: now, updatedAt: now })
    .onConflictDoNothing();
}

/** The outcome of one try at sending rows (by id or by retry key), counting the try in `attempts`. */
export async function settleAttempt(
  db: DbOrTx,
  where: { id: string } | { retryKeys: string[] },
  set: Partial<Pick<OutboundRow, 'status' | 'providerMessageId' | 'errorCode' | 'errorMessage'>>,
  now: Date,
): Promise<void> {
  await db
    .update(outboundMessages)
    .set({ ...set, attempts: sql`${outboundMessages.attempts} + 1`, updatedAt: now })
    .where('id' in where ? eq(outboundMessages.id, where.id) : inArray(outboundMessages.retryKey, where.retryKeys));
}

/**
 * The sessions among these that a LINE multicast already took (status sent): a retried
 * multicast skips them. Found through line_multicasts_session_ids_idx (GIN).
 */
export async function sentMulticastSessions(db: DbOrTx, sessionIds: readonly string[]): Promise<Set<string>> {
  if (sessionIds.length === 0) return new Set();
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select distinct x as id from line_multicasts m, unnest(m.session_ids) x
        where m.session_ids && ${uuidArray(sessionIds)} and m.status = 'sent' and x = any(${uuidArray(sessionIds)})`,
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * Record one LINE multicast of a round's first prompt: one row for up to 500 recipients
 * (person and session at the same position), under its retry key; a known key adds nothing.
 * Returns the row's id.
 */
export async function recordLineMulticast(db: DbOrTx, recipients: readonly { personId: string; sessionId: string }[], retryKey: string, now: Date): Promise<string> {
  const persons = `{${recipients.map((r) => r.personId).join(',')}}`;
  const sessions = `{${recipients.map((r) => r.sessionId).join(',')}}`;
  const rows = await queryRows<{ id: string }>(
    db,
    sql`with ins as (
          insert into line_multicasts (kind, retry_key, person_ids, session_ids, status, created_at, updated_at)
          values ('prompt', ${retryKey}, ${persons}::uuid[], ${sessions}::uuid[], 'queued', ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)
          on conflict (retry_key) do nothing returning id)
        select id from ins union all select id from line_multicasts where retry_key = ${retryKey} limit 1`,
  );
  return rows[0]!.id;
}

/**
 * A multicast LINE accepted: settled 'sent' at `now` (sent_at, its sessions' reminder clock)
 * and left for the tick to mark its sessions prompted (line_multicast_marks,
 * markMulticastSessions), off the round's busiest minute. One statement; the row's update
 * stays HOT (no indexed column changes).
 */
export async function settleLineMulticastSent(db: DbOrTx, id: string, set: Partial<Pick<OutboundRow, 'providerMessageId' | 'errorCode' | 'errorMessage'>>, now: Date): Promise<void> {
  const at = sql`${now.toISOString()}::timestamptz`;
  await db.execute(sql`
    with m as (
      update line_multicasts set status = 'sent', sent_at = ${at}, provider_message_id = ${set.providerMessageId ?? null}, error_code = ${set.errorCode ?? null},
        error_message = ${set.errorMessage ?? null}, attempts = attempts + 1, updated_at = ${at}
      where id = ${id} returning id, sent_at)
    insert into line_multicast_marks (multicast_id, sent_at) select id, sent_at from m on conflict do nothing`);
}

/** What one try of a multicast came to (one more attempt counted). */
export async function settleLineMulticast(db: DbOrTx, id: string, set: Partial<Pick<OutboundRow, 'status' | 'providerMessageId' | 'errorCode' | 'errorMessage'>>, now: Date): Promise<void> {
  await db
    .update(lineMulticasts)
    .set({ ...set, attempts: sql`${lineMulticasts.attempts} + 1`, updatedAt: now })
    .where(eq(lineMulticasts.id, id));
}

/**
 * A sender's replies not sent yet (queued or being sent), for their inbound events of
 * `provider` up to the event at `seq`, in event order: the replies are recorded under
 * `<retryKeyPrefix><event id>`. Only the sender's `recent` latest events are looked at;
 * older unsent rows are the outbound sweep's.
 */
export async function unsentRepliesOfSender(db: DbOrTx, opts: { provider: InboundProvider; senderKey: string; seq: number; retryKeyPrefix: string; recent: number; claimableBy?: LeaseClaimant }): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select o.id
        from (select id, seq from inbound_events where sender_key = ${opts.senderKey} and seq <= ${opts.seq} and provider = ${opts.provider} order by seq desc limit ${opts.recent}) e
        join outbound_messages o on o.retry_key = ${opts.retryKeyPrefix} || e.id::text
        where ${claimableAs(opts.claimableBy)}
        order by e.seq`,
  );
  return rows.map((r) => r.id);
}

/**
 * One stored event as its inbound job first sees it: whether it is processed already (a
 * batch of another job took it) and, only then, the sender's replies still unsent up to
 * it (as unsentRepliesOfSender) — so the job of an event another run handled costs this
 * one statement. Null when the event is unknown.
 */
export async function inboundEventAndUnsentReplies(
  db: DbOrTx,
  opts: { eventId: string; provider: InboundProvider; retryKeyPrefix: string; recent: number; claimableBy?: LeaseClaimant },
): Promise<{ seq: number; senderKey: string | null; processed: boolean; unsent: string[] } | null> {
  const [row] = await queryRows<{ seq: string | number; senderKey: string | null; processed: boolean; unsent: string[] | null }>(
    db,
    sql`select ev.seq, ev.sender_key as "senderKey", ev.processed_at is not null as processed,
          case when ev.processed_at is not null and ev.sender_key is not null then (
            select array_agg(o.id::text order by e.seq)
            from (select id, seq from inbound_events where sender_key = ev.sender_key and seq <= ev.seq and provider = ${opts.provider} order by seq desc limit ${opts.recent}) e
            join outbound_messages o on o.retry_key = ${opts.retryKeyPrefix} || e.id::text
            where ${claimableAs(opts.claimableBy)}) end as unsent
        from inbound_events ev where ev.id = ${opts.eventId}`,
  );
  return row ? { seq: Number(row.seq), senderKey: row.senderKey, processed: row.processed, unsent: row.unsent ?? [] } : null;
}
