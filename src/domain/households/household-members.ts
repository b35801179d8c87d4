import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { householdMembers, households, persons, type PersonStatus } from '../../../db/schema';
import { householdOrder, type HouseholdMember } from './household-order';
import { contactForStaff } from './household-contact-view';

export type HouseholdMemberRow = HouseholdMember & { status: PersonStatus; preferredChannel: string };

export interface HouseholdView {
  id: string;
  householdNumber: string | null;
  reporterPersonId: string | null;
  centreId: string;
  /** In conversation order (household-order.ts). */
  members: HouseholdMemberRow[];
  /** The reporter contact who is not a person (household-contact.ts), phone shown domestic; null when none. */
  contact: ReturnType<typeof contactForStaff>;
}

/** The household a person belongs to, with its members in the order the reporter is asked; null when none. */
export async function householdOf(db: DbOrTx, personId: string): Promise<HouseholdView | null> {
  const [own] = await db.select({ householdId: householdMembers.householdId }).from(householdMembers).where(eq(householdMembers.personId, personId));
  if (!own) return null;
  return householdById(db, own.householdId);
}

export async function householdById(db: DbOrTx, householdId: string): Promise<HouseholdView | null> {
  const [h] = await db.select().from(households).where(eq(households.id, householdId));
  if (!h) return null;
  const rows = await db
    .select({
      personId: persons.id, name: persons.name, dateOfBirth: persons.dateOfBirth, relation: householdMembers.relation, position: householdMembers.position,
      status: persons.status, preferredChannel: persons.preferredChannel,
    })
    .from(householdMembers)
    .innerJoin(persons, eq(persons.id, householdMembers.personId))
    .where(eq(householdMembers.householdId, householdId));
  const members = householdOrder(rows.map((r) => ({ ...r, isReporter: r.personId === h.reporterPersonId })));
  return { id: h.id, householdNumber: h.householdNumber, reporterPersonId: h.reporterPersonId, centreId: h.responsibleCentreId, members, contact: contactForStaff(h) };
}

/**
 * Whom a person answers for on their channel, in order: a household's reporter answers
 * for every member (themselves first); anyone else only for themselves.
 */
export async function answersFor(db: DbOrTx, personId: string): Promise<HouseholdMemberRow[] | null> {
  const [h] = await db.select({ id: households.id }).from(households).where(eq(households.reporterPersonId, personId));
  if (!h) return null;
  return (await householdById(db, h.id))?.members ?? null;
}

/** Whether `reporterId` is the reporter of the household `personId` belongs to (so may answer for them). */
export async function reportsFor(db: DbOrTx, reporterId: string, personId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: households.id })
    .from(householdMembers)
    .innerJoin(households, eq(households.id, householdMembers.householdId))
    .where(and(eq(householdMembers.personId, personId), eq(households.reporterPersonId, reporterId)));
  return !!row;
}

/**
 * Whose address a person's checks are sent to: the reporter of the household they are a
 * dependent in (a member's check is asked, and reminded, in the reporter's conversation),
 * else the person themselves.
 */
export async function addresseeOf(db: DbOrTx, personId: string): Promise<string> {
  const [row] = await db
    .select({ reporterPersonId: households.reporterPersonId })
    .from(householdMembers)
    .innerJoin(households, eq(households.id, householdMembers.householdId))
    .where(eq(householdMembers.personId, personId));
  return row?.reporterPersonId ?? personId;
}
