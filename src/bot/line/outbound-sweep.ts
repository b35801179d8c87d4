import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client';
import { jurisdictions, MONITORED_STATUSES, persons } from '../../../db/schema';
import type { Deps } from '../../deps';
import { localDateOf } from '../../domain/time';
import { lineApiFor } from './limited-api';
import { lineOutboundJob, lineOutboundJobId } from './outbound-job';
import { deliverOutbound, QUEUED_LEASE_MS, SENDING_LEASE_MS } from './outbox';
import { raiseChannelLost, type ChannelLostCause } from '../../domain/channels/line-channel-lost';

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

export interface OutboundSweep {
  resent: number;
  gaveUp: number;
  enqueueFailed: boolean;
}

/**
 * The tick's step for LINE messages their job did not get out (LINE down longer than the
 * job's retries, a worker gone): the database is the truth. Rows past the bound are marked
 * failed and, for a person under monitoring, a channel_lost alert tells the nurses; the
 * others get a `line.outbound` job that sends them again by push with the same
 * X-Line-Retry-Key (a reply token is long expired by then). Safe to run twice at once.
 */
export async function sweepLineOutbound(deps: Pick<Deps, 'db' | 'jobs' | 'logger'>, opts: { now: Date; limit: number }): Promise<OutboundSweep> {
  const { now, limit } = opts;
  const giveUpBefore = new Date(now.getTime() - OUTBOUND_GIVE_UP_MS).toISOString();
  const given = await queryRows<{ person_id: string | null }>(
    deps.db,
    sql`update outbound_messages set status = 'failed', error_code = 'undelivered', error_message = 'not delivered after repeated tries', updated_at = ${now.toISOString()}::timestamptz
        where id in (select id from outbound_messages where ${unsentAndIdle(now)} and (created_at < ${giveUpBefore}::timestamptz or attempts >= ${OUTBOUND_MAX_ATTEMPTS}) order by updated_at limit ${limit})
          and ${unsentAndIdle(now)}
        returning person_id`,
  );
  if (given.length) {
    const alerted = await alertMonitored(deps, now, given.map((g) => g.person_id), 'undelivered');
    deps.logger.warn({ gaveUp: given.length, alerted }, 'LINE messages given up after repeated tries');
  }
  const rows = await queryRows<{ id: string; attempts: number }>(deps.db, sql`select id, attempts from outbound_messages where ${unsentAndIdle(now)} order by updated_at limit ${limit}`);
  const ok = await deps.jobs.triggerBulk(
    lineOutboundJob,
    rows.map((r) => ({ payload: { outboundId: r.id }, jobId: lineOutboundJobId(r.id, r.attempts), options: { attempts: 1, removeOnComplete: true, removeOnFail: true } })),
  );
  return { resent: ok ? rows.length : 0, gaveUp: given.length, enqueueFailed: !ok };
}

/**
 * The `line.outbound` job: take the row over (a new claimant each run) and send it. A
 * transient failure leaves it queued for the next sweep; a refusal for good is recorded and
 * a person under monitoring gets a channel_lost alert.
 */
export async function resendLineOutbound(deps: Deps, outboundId: string): Promise<{ sent: number; failed: number; transient: boolean }> {
  const result = await deliverOutbound(deps, lineApiFor(deps), [outboundId], `sweep:${randomUUID()}`);
  if (result.failed.length) await alertMonitored(deps, deps.now(), result.failed.map((f) => f.personId), 'send_failed');
  return { sent: result.sent, failed: result.failed.length, transient: result.transient !== null };
}

/** A channel_lost alert (one per person and local day) for those still under monitoring. */
async function alertMonitored(deps: Pick<Deps, 'db'>, now: Date, personIds: (string | null)[], cause: ChannelLostCause): Promise<number> {
  const ids = [...new Set(personIds.filter((p): p is string => p !== null))];
  if (ids.length === 0) return 0;
  const people = await deps.db
    .select({ id: persons.id, timeZone: jurisdictions.timeZone })
    .from(persons)
    .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
    .where(and(inArray(persons.id, ids), inArray(persons.status, [...MONITORED_STATUSES])));
  for (const p of people) await deps.db.transaction((tx) => raiseChannelLost({ tx, now }, p.id, localDateOf(now, p.timeZone), cause));
  return people.length;
}
