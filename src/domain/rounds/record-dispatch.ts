import { sql, type SQL } from 'drizzle-orm';
import { queryRows, uuidArray, type DbOrTx } from '../../../db/client';
import { MONITORED_STATUSES } from '../../../db/schema';
import { pausedOnSql } from '../pauses/resume-due-pauses';

/** What a dispatch sends for a session: its first prompt or a reminder. */
export type PromptKind = 'prompt' | 'reminder';

const monitored = () => sql.join(MONITORED_STATUSES.map((s) => sql`${s}`), sql`, `);

/**
 * Just before sending, re-check what a job was asked to send: a session whose person left
 * monitoring (hospitalized, ended, died) or is paused on the session's date (一時停止, however the
 * pause was written) is cancelled, one whose round is over is missed,
 * one already answered or already prompted is skipped (unless its prompt is still queued
 * after a transient failure). Returns the ids still to send.
 * This is why a reminder that races a completing answer is harmless, and why a round prepared
 * ahead (ROUND_PREPARE_MINUTES) reaches exactly who is still to be asked at the round time.
 */
export async function sessionsStillToSend(db: DbOrTx, ids: readonly string[], kind: PromptKind, now: Date): Promise<string[]> {
  if (ids.length === 0) return [];
  const at = sql`${now.toISOString()}::timestamptz`;
  const paused = pausedOnSql(sql`s.person_id`, sql`s.local_date`);
  // A prompt the dispatcher recorded (and so marked the session prompted) but could not
  // send yet — Twilio answered 429/5xx — is still to send: the job's retry delivers it
  // (for voice the first prompt is the call).
  // (person_id first: outbound_messages is indexed by person, not by session.)
  const promptQueued = sql`exists (select 1 from outbound_messages o where o.person_id = s.person_id and o.session_id = s.id and o.kind in ('prompt', 'call') and o.status = 'queued')`;
  const wanted = kind === 'prompt' ? sql`(s.status = 'pending' or (s.status = 'prompted' and ${promptQueued}))` : sql`s.status in ('prompted', 'active')`;
  // One statement: the sessions and their persons read once (the round's send pays one pass
  // over its 500 rows, not two); the closing UPDATE touches only the rows to close — usually
  // none — by primary key, and the rest is selected from the same snapshot.
  const rows = await queryRows<{ id: string }>(
    db,
    sql`
    with c as materialized (
      select s.id, ${wanted} as wanted, (p.status not in (${monitored()}) or ${paused}) as gone, s.expires_at <= ${at} as over
      from check_sessions s join persons p on p.id = s.person_id
      where s.id = any(${uuidArray(ids)}) and s.status in ('pending', 'prompted', 'active')),
    closed as (
      update check_sessions s
      set status = case when c.gone then 'cancelled' else 'missed' end, next_action_at = null, updated_at = ${at}
      from c
      where s.id = any(array(select id from c where gone or over)) and c.id = s.id and s.status in ('pending', 'prompted', 'active'))
    select id from c where wanted and not (gone or over) order by id`,
  );
  return rows.map((r) => r.id);
}

/**
 * After the first prompt went out: the reminder clock starts. A channel's dispatcher may
 * already have marked the session prompted (or the person may already be answering), so
 * any open session not yet reminded gets its reminder time. The clock counts from now for
 * a session nobody has begun answering: the SMS and voice dispatchers mark it prompted
 * when they record the prompt, which may have left only a lease later (Twilio was down).
 */
export async function markPrompted(db: DbOrTx, ids: readonly string[], now: Date, reminderAfterMs: number): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(markPromptedSql(uuidArray(ids), now, reminderAfterMs));
}

/** markPrompted as a statement over any uuid[] expression, the clock starting at `now`. */
export function markPromptedSql(ids: SQL, now: Date, reminderAfterMs: number): SQL {
  return sql`update check_sessions set ${promptedSetSql(sql`${now.toISOString()}::timestamptz`, now, reminderAfterMs)}
    where id = any(${ids}) and ${markableSql('check_sessions')}`;
}

/**
 * The columns a session marked prompted gets, its prompt having left at `sentAt` (an SQL
 * expression: a constant, or per row the multicast's sent_at). (Both columns are computed
 * from the row as it was.)
 */
export function promptedSetSql(sentAt: SQL, now: Date, reminderAfterMs: number): SQL {
  const promptedAt = sql`case when status in ('pending', 'prompted') then ${sentAt} else coalesce(prompted_at, ${sentAt}) end`;
  return sql`status = case when status = 'pending' then 'prompted' else status end,
      prompted_at = ${promptedAt},
      next_action_at = ${promptedAt} + make_interval(secs => ${reminderAfterMs / 1000}), updated_at = ${now.toISOString()}::timestamptz`;
}

/** Which sessions a sent prompt marks: open, not reminded yet, and not a contact's household member left riding along. */
export function markableSql(table: string): SQL {
  const t = sql.raw(table);
  // (rideAlongUnlessFirst: a household member is begun when the conversation reaches it)
  return sql`${t}.status in ('pending', 'prompted', 'active') and ${t}.reminders_sent = 0
      and not (${t}.status = 'pending' and ${t}.source = 'household')`;
}

/** After a reminder: count it; the call (or the alert) comes after `nextAfterMs`. */
export async function markReminded(db: DbOrTx, ids: readonly string[], now: Date, nextAfterMs: number): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`
    update check_sessions set reminders_sent = reminders_sent + 1,
      next_action_at = ${new Date(now.getTime() + nextAfterMs).toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz
    where id = any(${uuidArray(ids)}) and status in ('prompted', 'active')`);
}

/**
 * After automated call number `attempt` was placed: the non-responder alert comes after
 * `nextAfterMs`. The voice dispatcher counts its calls itself; this never counts one twice.
 */
export async function markCalled(db: DbOrTx, id: string, attempt: number, now: Date, nextAfterMs: number): Promise<void> {
  await db.execute(sql`
    update check_sessions set call_attempts = greatest(call_attempts, ${attempt}),
      next_action_at = ${new Date(now.getTime() + nextAfterMs).toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz
    where id = ${id} and status in ('prompted', 'active')`);
}

/**
 * A send that must wait (quiet hours): the session is looked at again no earlier than
 * `until` — the sweeper (pending) or the reminder chain (prompted) takes it up then if the
 * deferred job itself is lost.
 */
export async function deferSession(db: DbOrTx, id: string, until: Date, now: Date): Promise<void> {
  const at = until.toISOString();
  await db.execute(sql`
    update check_sessions set next_action_at = greatest(coalesce(next_action_at, ${at}::timestamptz), ${at}::timestamptz), updated_at = ${now.toISOString()}::timestamptz
    where id = ${id} and status in ('pending', 'prompted', 'active')`);
}

/**
 * The person opted out of the session's channel (SMS STOP): nothing can be sent, so the
 * session is cancelled — no prompt marked as sent, no reminder, no automated call and no
 * non-responder alert. The health centre had its one 'opted_out' alert when they opted out.
 */
export async function cancelOptedOutSession(db: DbOrTx, id: string, now: Date): Promise<void> {
  await db.execute(sql`
    update check_sessions set status = 'cancelled', next_action_at = null, updated_at = ${now.toISOString()}::timestamptz
    where id = ${id} and status in ('pending', 'prompted', 'active')`);
}
