import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { checkSessions, jurisdictions, persons } from '../../../db/schema';
import type { SessionState } from '../../flows';
import type { Ctx } from '../context';

/** A check session can be answered while it is in one of these and not past expires_at. */
export const OPEN_SESSION_STATUSES = ['pending', 'prompted', 'active'] as const;

export type CheckSession = typeof checkSessions.$inferSelect;

/** Whether the session can still be answered at `now` (a stale button never records into another day's check). */
export function isSessionOpen(session: Pick<CheckSession, 'status' | 'expiresAt'>, now: Date): boolean {
  return (OPEN_SESSION_STATUSES as readonly string[]).includes(session.status) && session.expiresAt > now;
}

/**
 * Lock a session for the rest of the caller's transaction and read it with its centre's
 * time zone and quiet hours (null: the QUIET_HOURS setting). Every writer of a session (an answer, the first prompt, a
 * reminder, a call, the non-responder alert) takes this lock first, so they are ordered.
 */
export async function lockSession(ctx: Pick<Ctx, 'tx'>, sessionId: string): Promise<(CheckSession & { timeZone: string; quietHours: string | null }) | null> {
  // One statement: FOR UPDATE OF locks only the session row, and after waiting for another
  // writer PostgreSQL returns the row as that writer committed it.
  const [row] = await ctx.tx
    .select({ s: checkSessions, timeZone: jurisdictions.timeZone, quietHours: jurisdictions.quietHours })
    .from(checkSessions)
    .innerJoin(persons, eq(persons.id, checkSessions.personId))
    .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
    .where(eq(checkSessions.id, sessionId))
    .for('update', { of: checkSessions });
  return row ? { ...row.s, timeZone: row.timeZone, quietHours: row.quietHours } : null;
}

/** Which session a button names: its id, or (a multicast prompt) its local date and round. */
export type SessionRef = { sessionId: string } | { localDate: string; round: string };

/** The person's session a button names, or null when there is none or it is someone else's. */
export async function findPersonSession(db: DbOrTx, personId: string, ref: SessionRef): Promise<CheckSession | null> {
  const [session] =
    'sessionId' in ref
      ? await db.select().from(checkSessions).where(eq(checkSessions.id, ref.sessionId))
      : await db
          .select()
          .from(checkSessions)
          .where(and(eq(checkSessions.personId, personId), eq(checkSessions.localDate, ref.localDate), eq(checkSessions.round, ref.round)));
  return session && session.personId === personId ? session : null;
}

/** The sessions with these ids (any status), for a batch that was handed ids. */
export async function sessionsByIds(db: DbOrTx, ids: readonly string[]): Promise<CheckSession[]> {
  if (ids.length === 0) return [];
  return db.select().from(checkSessions).where(inArray(checkSessions.id, [...ids]));
}

/** The session's stored engine state, read again inside the caller's transaction (after an answer changed it). */
export async function sessionState(db: DbOrTx, sessionId: string): Promise<SessionState | null> {
  const [row] = await db.select({ state: checkSessions.state }).from(checkSessions).where(eq(checkSessions.id, sessionId));
  return (row?.state as SessionState | null) ?? null;
}

/** When the scheduler tick looks at the session again (the next step of the reminder chain); null: never. */
export async function setNextAction(ctx: Pick<Ctx, 'tx' | 'now'>, sessionId: string, at: Date | null): Promise<void> {
  await ctx.tx.update(checkSessions).set({ nextActionAt: at, updatedAt: ctx.now }).where(eq(checkSessions.id, sessionId));
}
