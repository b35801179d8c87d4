import { and, desc, eq, gt, inArray, isNull, lte } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { checkSessions, MONITORED_STATUSES, type ChannelKind } from '../../../db/schema';
import type { OutMessage } from '../../flows';
import { beginSession } from '../checks/begin-session';
import { findPersonSession, OPEN_SESSION_STATUSES, type CheckSession, type SessionRef } from '../checks/session';
import { startCheck } from '../checks/start-check';
import type { Ctx } from '../context';
import type { SenderAhead } from '../checks/answer-read-ahead';
import { ageOn } from '../time';
import { answersFor, reportsFor } from './household-members';

/**
 * The session a person's channel is answering now: their own newest open check, or — for a
 * household's reporter — the open check of the first member in household order that has
 * one (the reporter's own first, then each dependent in turn). One session per person:
 * every answer is recorded as that member's.
 */
export async function householdOpenSession(db: DbOrTx, personId: string, now: Date, ahead?: SenderAhead | null): Promise<CheckSession | null> {
  if (ahead?.personId === personId) return ahead.openSession(now);
  const members = await answersFor(db, personId);
  const ids = members ? members.map((m) => m.personId) : [personId];
  const open = await db
    .select()
    .from(checkSessions)
    .where(and(inArray(checkSessions.personId, ids), inArray(checkSessions.status, [...OPEN_SESSION_STATUSES]), gt(checkSessions.expiresAt, now), lte(checkSessions.dueAt, now))) // (not a round prepared ahead)
    .orderBy(desc(checkSessions.dueAt));
  for (const id of ids) {
    const s = open.find((o) => o.personId === id);
    if (s) return s;
  }
  return null;
}

/** The session a button names, if the person may answer it: their own, or a household member's when they are its reporter. */
export async function findAnswerableSession(db: DbOrTx, personId: string, ref: SessionRef, ahead?: SenderAhead | null): Promise<CheckSession | null> {
  const read = ahead?.personId === personId ? ahead.namedSession(ref) : undefined;
  if (read) return read;
  const own = await findPersonSession(db, personId, ref);
  if (own || !('sessionId' in ref)) return own;
  const members = await answersFor(db, personId);
  if (!members) return null;
  const [s] = await db.select().from(checkSessions).where(eq(checkSessions.id, ref.sessionId));
  return s && members.some((m) => m.personId === s.personId) ? s : null;
}

export interface NextMember {
  sessionId: string;
  member: { personId: string; name: string; age: number | null };
  /** The member's opening and first question; empty when their check had already begun (show the waiting question). */
  messages: OutMessage[];
  begun: boolean;
}

/**
 * After one member's check ended: the next member of the reporter's household with an
 * open check, begun now (the engine's opening) so the reporter can carry on in the same
 * conversation. Null when everyone has answered, or the person reports for nobody else.
 */
export async function beginNextHouseholdMember(ctx: Ctx, reporterId: string, channel: ChannelKind): Promise<NextMember | null> {
  if (ctx.ahead?.personId === reporterId) return null; // read ahead: in no household
  const members = await answersFor(ctx.tx, reporterId);
  if (!members) return null;
  const next = await householdOpenSession(ctx.tx, reporterId, ctx.now);
  if (!next) return null;
  const member = members.find((m) => m.personId === next.personId)!;
  const started = await beginSession({ ctx, input: { sessionId: next.id, channel } });
  return {
    sessionId: next.id,
    member: { personId: member.personId, name: member.name, age: member.dateOfBirth ? ageOn(member.dateOfBirth, next.localDate) : null },
    messages: started.messages,
    begun: started.begun,
  };
}

/**
 * The reminder chain after the reporter's own check: a member's check has no chain of its
 * own while the reporter's is running (the reporter's reminders name the open members), but
 * once the reporter's own check has ended, the first member still open carries it — its
 * clock starts now (prompted_at), so REMINDER_AFTER_MINUTES after the reporter's last answer
 * the reminder goes to the reporter's address (addresseeOf) naming the members still open,
 * then the rest of the chain (a call to the reporter's number, else the member's
 * non-responder alert). Called by answerCheck whenever a check the reporter answers (their
 * own or a member's) ends, on every channel. A session with a chain step already set is left
 * alone; a completed one leaves the chain (applyStep clears next_action_at), so the chain
 * moves on member by member. A pending member (never begun: the web check) becomes prompted.
 */
export async function carryReminderChain(ctx: Ctx, reporterId: string): Promise<void> {
  if (ctx.ahead?.personId === reporterId) return; // read ahead: in no household
  const members = await answersFor(ctx.tx, reporterId);
  if (!members) return;
  const next = await householdOpenSession(ctx.tx, reporterId, ctx.now);
  if (!next || next.personId === reporterId) return;
  await ctx.tx
    .update(checkSessions)
    .set({ status: next.status === 'pending' ? 'prompted' : next.status, promptedAt: ctx.now, nextActionAt: ctx.now, remindersSent: 0, callAttempts: 0, updatedAt: ctx.now })
    .where(and(eq(checkSessions.id, next.id), isNull(checkSessions.nextActionAt)));
}

/**
 * 「今すぐ報告」 from a reporter: an unscheduled check for every monitored member of the
 * household who has none open, left pending (begun when the conversation reaches them).
 * The reporter's own check is started by the caller as before. Returns the new sessions.
 */
export async function openHouseholdChecks(ctx: Ctx, reporterId: string, channel: ChannelKind): Promise<string[]> {
  const members = await answersFor(ctx.tx, reporterId);
  if (!members) return [];
  const created: string[] = [];
  for (const m of members) {
    if (m.personId === reporterId || !MONITORED_STATUSES.includes(m.status)) continue;
    const [open] = await ctx.tx
      .select({ id: checkSessions.id })
      .from(checkSessions)
      .where(and(eq(checkSessions.personId, m.personId), inArray(checkSessions.status, [...OPEN_SESSION_STATUSES]), gt(checkSessions.expiresAt, ctx.now), lte(checkSessions.dueAt, ctx.now)))
      .limit(1);
    if (open) continue;
    const { sessionId } = await startCheck({ ctx, input: { personId: m.personId, channel, source: 'patient' } });
    // Pending and without state, as a round creates it: begun (its opening sent) when the conversation reaches this member.
    await ctx.tx.update(checkSessions).set({ status: 'pending', source: 'household', state: null, promptedAt: null, nextActionAt: null, updatedAt: ctx.now }).where(eq(checkSessions.id, sessionId));
    created.push(sessionId);
  }
  return created;
}

/**
 * The reporter's reminder names whom it is about: the household members (not the reporter)
 * whose check is still open now, in household order — and only those (a member answered
 * already, or with no check today, is not named). Empty for someone who reports for nobody.
 */
export async function openMemberNames(db: DbOrTx, reporterId: string, now: Date): Promise<string[]> {
  const members = await answersFor(db, reporterId);
  const others = (members ?? []).filter((m) => m.personId !== reporterId);
  if (others.length === 0) return [];
  const open = await db
    .select({ personId: checkSessions.personId })
    .from(checkSessions)
    .where(and(inArray(checkSessions.personId, others.map((m) => m.personId)), inArray(checkSessions.status, [...OPEN_SESSION_STATUSES]), gt(checkSessions.expiresAt, now)));
  const ids = new Set(open.map((o) => o.personId));
  return others.filter((m) => ids.has(m.personId)).map((m) => m.name);
}

/**
 * Who is answering a session on a phone call: the session's own person when the number is
 * theirs, else — a household member's check reached in the reporter's call — the reporter,
 * when the number is the reporter's. `numberOwners` are the persons registered with the
 * calling number (ownersOfNumber). Answers are then recorded with `answered_by_person_id`.
 */
export async function answererOnNumber(db: DbOrTx, sessionPersonId: string, numberOwners: readonly string[]): Promise<string> {
  if (numberOwners.includes(sessionPersonId)) return sessionPersonId;
  for (const owner of numberOwners) if (await reportsFor(db, owner, sessionPersonId)) return owner;
  return sessionPersonId;
}
