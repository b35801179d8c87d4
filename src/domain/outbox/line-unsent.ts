import { and, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Db, type DbOrTx } from '../../../db/client';
import { jurisdictions, MONITORED_STATUSES, persons } from '../../../db/schema';
import { raiseChannelLost, type ChannelLostCause } from '../channels/line-channel-lost';
import { localDateOf } from '../time';

/** A queued row its owner has not come back to for this long is taken over (by the outbound sweep). */
export const QUEUED_LEASE_MS = 2 * 60_000;
/**
 * A row being sent whose sender has not finished for this long is presumed dead and taken
 * over. Longer than a send can take (3 tries, waits of up to 10 s); if a sender was only slow,
 * the push that follows carries the same X-Line-Retry-Key, so LINE delivers it once.
 */
export const SENDING_LEASE_MS = 10 * 60_000;
/** A message not out after this long is given up: a reply hours late helps nobody, a nurse phoning does. */
export const OUTBOUND_GIVE_UP_MS = 6 * 3600_000;
/**
 * A backstop to the time bound: tries counted over the job's runs (up to 8) and the sweep's
 * (about 12 in 6 hours once the wait reaches 30 minutes).
 */
export const OUTBOUND_MAX_ATTEMPTS = 24;
/** The sweep's wait between tries doubles from the lease up to this. */
export const OUTBOUND_RESEND_CAP_MS = 30 * 60_000;

/**
 * LINE outbox rows (a `to` and `messages`: replies and reminders, not multicasts or notices,
 * which have sweeps of their own) that nobody is working on: queued and untouched for the
 * lease (doubling with each try), or marked as sending by a sender that died. The first
 * bound on updated_at lets the partial index outbound_messages_line_unsent_idx do the work.
 */
const unsentAndIdle = (now: Date) => sql`channel = 'line' and status in ('queued', 'sending') and body ? 'to' and body ? 'messages'
  and updated_at < ${new Date(now.getTime() - QUEUED_LEASE_MS).toISOString()}::timestamptz
  and updated_at < ${now.toISOString()}::timestamptz - (case when status = 'sending' then ${SENDING_LEASE_MS}::float8
    else least(${QUEUED_LEASE_MS}::float8 * power(2, greatest(attempts - 1, 0)), ${OUTBOUND_RESEND_CAP_MS}::float8) end) * interval '1 millisecond'`;

/** Idle LINE rows past the bound (time or tries) are marked failed; returns whose they were. */
export async function giveUpUnsentLine(db: DbOrTx, now: Date, limit: number): Promise<(string | null)[]> {
  const giveUpBefore = new Date(now.getTime() - OUTBOUND_GIVE_UP_MS).toISOString();
  const given = await queryRows<{ person_id: string | null }>(
    db,
    sql`update outbound_messages set status = 'failed', error_code = 'undelivered', error_message = 'not delivered after repeated tries', updated_at = ${now.toISOString()}::timestamptz
        where id in (select id from outbound_messages where ${unsentAndIdle(now)} and (created_at < ${giveUpBefore}::timestamptz or attempts >= ${OUTBOUND_MAX_ATTEMPTS}) order by updated_at limit ${limit})
          and ${unsentAndIdle(now)}
        returning person_id`,
  );
  return given.map((g) => g.person_id);
}

/** Idle LINE rows to send again, oldest first, with their tries so far. */
export function idleUnsentLine(db: DbOrTx, now: Date, limit: number): Promise<{ id: string; attempts: number }[]> {
  return queryRows<{ id: string; attempts: number }>(db, sql`select id, attempts from outbound_messages where ${unsentAndIdle(now)} order by updated_at limit ${limit}`);
}

/** A channel_lost alert (one per person and local day) for those still under monitoring. */
export async function alertLineLost(db: Db, now: Date, personIds: (string | null)[], cause: ChannelLostCause): Promise<number> {
  const ids = [...new Set(personIds.filter((p): p is string => p !== null))];
  if (ids.length === 0) return 0;
  const people = await db
    .select({ id: persons.id, timeZone: jurisdictions.timeZone })
    .from(persons)
    .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
    .where(and(inArray(persons.id, ids), inArray(persons.status, [...MONITORED_STATUSES])));
  for (const p of people) await db.transaction((tx) => raiseChannelLost({ tx, now }, p.id, localDateOf(now, p.timeZone), cause));
  return people.length;
}
