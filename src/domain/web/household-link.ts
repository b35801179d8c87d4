import { and, desc, eq, gt, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { checkSessions } from '../../../db/schema';
import { isSessionOpen, OPEN_SESSION_STATUSES } from '../checks/session';
import { answersFor, householdById, type HouseholdMemberRow } from '../households/household-members';
import { contactReporterOf } from '../households/household-contact-session';
import { ageOn } from '../time';
import type { LinkedSession, ResolvedLink } from './resolve-link';

/**
 * The web check of a household's reporter leads through each member in turn (proxy
 * reporting): the reporter's own link `/c/<token>` is their check, `/c/<token>?m=<k>` the
 * check of the k-th member in household order (household-order.ts; the reporter is 0) —
 * the token proves the reporter, the index names no one. A member's own link still works
 * alone (it is just their session). One session per person: the page shows and answers
 * the member's session of the reporter's round date. A household whose reporter is a
 * contact on the web (not a person): her link is the first open member's check, and the
 * index runs over the members alike (valid only while that link is).
 */
export interface MemberTurn {
  index: number;
  member: { personId: string; name: string; age: number | null };
}

export type MemberLink = Exclude<ResolvedLink, { kind: 'invalid' }> & MemberTurn;

/** Whom the link's holder answers for, in household order: a reporter's household, or the household of the contact on the web whose link it is. */
async function linkMembers(db: DbOrTx, holderId: string): Promise<HouseholdMemberRow[] | null> {
  const members = await answersFor(db, holderId);
  if (members) return members;
  const contact = await contactReporterOf(db, holderId);
  return contact?.channel === 'web' ? ((await householdById(db, contact.householdId))?.members ?? null) : null;
}

/** The k-th member's check as the reporter's link reaches it; null when the reporter reports for no such member. */
export async function memberLink(db: DbOrTx, reporter: LinkedSession, index: number, now: Date): Promise<MemberLink | null> {
  const members = await linkMembers(db, reporter.personId);
  const m = members?.[index];
  if (!m || m.personId === reporter.personId) return null;
  const [row] = await db
    .select()
    .from(checkSessions)
    .where(and(eq(checkSessions.personId, m.personId), eq(checkSessions.localDate, reporter.localDate)))
    .orderBy(desc(checkSessions.dueAt))
    .limit(1);
  if (!row) return null;
  const turn = { index, member: { personId: m.personId, name: m.name, age: m.dateOfBirth ? ageOn(m.dateOfBirth, reporter.localDate) : null } };
  // The member's page speaks the reporter's language; the centre is the household's.
  const session: LinkedSession = { id: row.id, personId: row.personId, flowVersionId: row.flowVersionId, localDate: row.localDate, status: row.status, state: row.state, preferredLanguage: reporter.preferredLanguage, centre: reporter.centre };
  if (row.status === 'completed') return { kind: 'done', session, expired: false, ...turn };
  return { kind: isSessionOpen(row, now) ? 'open' : 'closed', session, expired: false, ...turn };
}

/** The first member after the reporter whose check of the same round date is still open (where the reporter's page goes on to); null when none. */
export async function nextMemberTurn(db: DbOrTx, reporter: LinkedSession, now: Date): Promise<MemberTurn | null> {
  const members = await linkMembers(db, reporter.personId);
  const others = (members ?? []).filter((m) => m.personId !== reporter.personId);
  if (!members || !others.length) return null;
  const open = await db
    .select({ personId: checkSessions.personId })
    .from(checkSessions)
    .where(and(inArray(checkSessions.personId, others.map((m) => m.personId)), eq(checkSessions.localDate, reporter.localDate), inArray(checkSessions.status, [...OPEN_SESSION_STATUSES]), gt(checkSessions.expiresAt, now)));
  const index = members.findIndex((m) => m.personId !== reporter.personId && open.some((o) => o.personId === m.personId));
  if (index < 0) return null;
  const m = members[index]!;
  return { index, member: { personId: m.personId, name: m.name, age: m.dateOfBirth ? ageOn(m.dateOfBirth, reporter.localDate) : null } };
}
