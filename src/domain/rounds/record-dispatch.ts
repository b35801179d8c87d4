import { and, eq, sql, type SQL } from 'drizzle-orm';
import { uuidArray, type DbOrTx } from '../../../db/client';
import { checkSessions, MONITORED_STATUSES, persons } from '../../../db/schema';
import { pausedOnSql } from '../pauses/resume-due-pauses';

/** What a dispatch sends for a session: its first prompt or a reminder. */
export type PromptKind = 'prompt' | 'reminder';

const monitored = () => sql.join(MONITORED_STATUSES.map((s) => sql`${s}`), sql`, `);

/** The sessions a send may still be for (re-checked below); any other status is ended or closed. */
export const OPEN_TO_SEND = sql`${checkSessions.status} in ('pending', 'prompted', 'active')`;

/** What the re-check decides of one open session (stillToSendSql), as its statement returns it. */
export interface StillToSendFlags {
  id: string;
  /** Still to be sent this kind of message: not answered, not prompted already. */
  wanted: boolean;
  /** Its person left monitoring or is paused on the session's date: cancelled. */
  gone: boolean;
  /** Its round is over: missed. */
  over: boolean;
}

/**
 * The re-check's three flags as columns of a select over check_sessions (not aliased),
 * `personStatus` being the session's own person's status: a select that reads the sessions
 * for another reason (the LINE dispatch rows) decides in the same pass.
 */
export function stillToSendSql(kind: PromptKind, now: Date, personStatus: SQL) {
  const s = checkSessions;
  // A prompt the dispatcher recorded (and so marked the session prompted) but could not
  // send yet — Twilio answered 429/5xx — is still to send: the job's retry delivers it
  // (for voice the first prompt is the call).
  // (person_id first: outbound_messages is indexed by person, not by session.)
  const promptQueued = sql`exists (select 1 from outbound_messages o where o.person_id = ${s.personId} and o.session_id = ${s.id} and o.kind in ('prompt', 'call') and o.status = 'queued')`;
  return {
    wanted: kind === 'prompt' ? sql<boolean>`(${s.status} = 'pending' or (${s.status} = 'prompted' and ${promptQueued}))` : sql<boolean>`${s.status} in ('prompted', 'active')`,
    gone: sql<boolean>`(${personStatus} not in (${monitored()}) or ${pausedOnSql(sql`${s.personId}`, sql`${s.localDate}`)})`,
    over: sql<boolean>`${s.expiresAt} <= ${now.toISOString()}::timestamptz`,
  };
}

/**
 * Close what the re-check found gone (cancelled) or over (missed) — by primary key, usually
 * none, so usually no statement — and return the ids still to send, in id order.
 */
export async function settleRecheck(db: DbOrTx, flags: readonly StillToSendFlags[], now: Date): Promise<string[]> {
  const gone = flags.filter((f) => f.gone).map((f) => f.id);
  const closing = flags.filter((f) => f.gone || f.over).map((f) => f.id);
  if (closing.length) {
    await db.execute(sql`
      update check_sessions set status = case when id = any(${uuidArray(gone)}) then 'cancelled' else 'missed' end,
        next_action_at = null, updated_at = ${now.toISOString()}::timestamptz
      where id = any(${uuidArray(closing)}) and status in ('pending', 'prompted', 'active')`);
  }
  return flags.filter((f) => f.wanted && !f.gone && !f.over).map((f) => f.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Just before sending, re-check what a job was asked to send: a session whose person left
 * monitoring (hospitalized, ended, died) or is paused on the session's date (一時停止, however the
 * pause was written) is cancelled, one whose round is over is missed,
 * one already answered or already prompted is skipped (unless its prompt is still queued
 * after a transient failure). Returns the ids still to send.
 * This is why a reminder that races a completing answer is harmless, and why a round prepared
 * ahead (ROUND_PREPARE_MINUTES) reaches exactly who is still to be asked at the round time.
 * (The LINE dispatcher decides the same in the statement that loads its rows: loadDispatchRows.)
 */
export async function sessionsStillToSend(db: DbOrTx, ids: readonly string[], kind: PromptKind, now: Date): Promise<string[]> {
  if (ids.length === 0) return [];
  const flags = await db
    .select({ id: checkSessions.id, ...stillToSendSql(kind, now, sql`${persons.status}`) })
    .from(checkSessions)
    .innerJoin(persons, eq(persons.id, checkSessions.personId))
    .where(and(sql`${checkSessions.id} = any(${uuidArray(ids)})`, OPEN_TO_SEND));
  return settleRecheck(db, flags, now);
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
