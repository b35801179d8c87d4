import { and, desc, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { checkSessions, householdMembers, households } from '../../../db/schema';
import type { Lang } from '../../flows';
import { voicelessChannel } from '../channels/voiceless';
import { beginSession } from '../checks/begin-session';
import { OPEN_SESSION_STATUSES, type CheckSession } from '../checks/session';
import type { Ctx } from '../context';
import { ageOn } from '../time';
import { contactReachableSql } from './contact-reachable';
import { householdById } from './household-members';
import type { NextMember } from './household-session';

/**
 * A household whose reporter is a contact who is not a registered person
 * (household-contact.ts), as its conversation needs it: who they are, the channel they
 * are reached on, their language. Reached on SMS (her phone), LINE (her LINE user id, set
 * when she sent her link code; she may have a phone too, which a nurse calls), by call
 * (voice: the call asks about each member in turn, at her phone) and by the web check (its
 * link sent by SMS to her phone).
 */
export interface ContactReporter {
  householdId: string;
  name: string;
  relation: string | null;
  lang: Lang;
  channel: ContactChannel;
  /** E.164, or null (a LINE contact staff gave no number). */
  phone: string | null;
  /** Her LINE user id once linked, or null. */
  lineUserId: string | null;
  /** The contact replied STOP (SMS) or blocked the account (LINE): their answers are still recorded, but they are sent nothing. */
  optedOut: boolean;
}

export const CONTACT_CHANNELS = ['sms', 'line', 'voice', 'web'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];
/** The channels that reach a contact at her phone (contact_address); LINE reaches her LINE user id. */
export const PHONE_CONTACT_CHANNELS = ['sms', 'voice', 'web'] as const satisfies readonly ContactChannel[];

/** The household's columns a contact is read from (contactOfRow): selected alone where a batch reads many households. */
export const contactReporterColumns = {
  id: households.id, reporterPersonId: households.reporterPersonId, contactName: households.contactName, contactRelation: households.contactRelation,
  contactLanguage: households.contactLanguage, contactChannel: households.contactChannel, contactAddress: households.contactAddress,
  contactLineUserId: households.contactLineUserId, contactOptedOutAt: households.contactOptedOutAt,
};
type ContactReporterRow = Pick<typeof households.$inferSelect, keyof typeof contactReporterColumns>;

export function contactOfRow(h: ContactReporterRow): ContactReporter | null {
  if (h.reporterPersonId !== null || !h.contactName || !(CONTACT_CHANNELS as readonly string[]).includes(h.contactChannel ?? '')) return null;
  if (!(h.contactChannel === 'line' ? h.contactLineUserId : h.contactAddress)) return null;
  const lang = (h.contactLanguage ?? 'ja') as Lang;
  // No automated voice in her language (Nepali): she is sent the web link instead (as createDueSessions does, voiceless.ts).
  const channel = voicelessChannel(h.contactChannel as ContactChannel, lang) as ContactChannel;
  return { householdId: h.id, name: h.contactName, relation: h.contactRelation, lang, channel, phone: h.contactAddress, lineUserId: h.contactLineUserId, optedOut: h.contactOptedOutAt !== null };
}


/**
 * The household's reporter contact when she is reached on LINE — linked, not blocked — so a
 * member's round is sent to her (contact-dispatch.ts), or null.
 */
export function lineContactOf(h: ContactReporterRow | null): ContactReporter | null {
  if (!h || h.contactChannel !== 'line' || !h.contactLineUserId || h.contactOptedOutAt !== null) return null;
  return contactOfRow(h);
}

/** The contact who answers for a person's checks (the person is a member of a household whose reporter is a contact), or null. */
export async function contactReporterOf(db: DbOrTx, personId: string): Promise<ContactReporter | null> {
  const [h] = await db
    .select({ h: households })
    .from(householdMembers)
    .innerJoin(households, eq(households.id, householdMembers.householdId))
    // A contact who replied STOP reports for nobody until START: the members are reached on their own channels.
    .where(and(eq(householdMembers.personId, personId), isNull(households.reporterPersonId), contactReachableSql, isNull(households.contactOptedOutAt)));
  return h ? contactOfRow(h.h) : null;
}

/**
 * The households whose contact is reached at this address on one of these channels — her LINE
 * user id on LINE, otherwise her phone (a web contact's number is where her link goes by SMS,
 * so an SMS from it — 「言語」, STOP — is hers too); a parent may report for two households;
 * oldest first.
 */
export async function contactsOnAddress(db: DbOrTx, channels: 'line' | readonly (typeof PHONE_CONTACT_CHANNELS)[number][], address: string): Promise<ContactReporter[]> {
  const list: readonly ContactChannel[] = channels === 'line' ? ['line'] : channels;
  const column = channels === 'line' ? households.contactLineUserId : households.contactAddress;
  const rows = await db
    .select()
    .from(households)
    .where(and(isNull(households.reporterPersonId), inArray(households.contactChannel, [...list]), eq(column, address)))
    .orderBy(households.createdAt);
  return rows.map(contactOfRow).filter((c): c is ContactReporter => c !== null);
}

/** The member whose turn it is in the contact's conversation: the open check of the first member in household order that has one. */
export async function contactOpenSession(db: DbOrTx, householdId: string, now: Date): Promise<CheckSession | null> {
  const h = await householdById(db, householdId);
  const ids = h?.members.map((m) => m.personId) ?? [];
  if (ids.length === 0) return null;
  const open = await db
    .select()
    .from(checkSessions)
    .where(and(inArray(checkSessions.personId, ids), inArray(checkSessions.status, [...OPEN_SESSION_STATUSES]), gt(checkSessions.expiresAt, now)))
    .orderBy(desc(checkSessions.dueAt));
  for (const id of ids) {
    const s = open.find((o) => o.personId === id);
    if (s) return s;
  }
  return null;
}

/** A member as the contact's conversation names them (「花子さん（5歳）」). */
export async function contactMember(db: DbOrTx, householdId: string, session: { personId: string; localDate: string }): Promise<NextMember['member'] | null> {
  const m = (await householdById(db, householdId))?.members.find((x) => x.personId === session.personId);
  return m ? { personId: m.personId, name: m.name, age: m.dateOfBirth ? ageOn(m.dateOfBirth, session.localDate) : null } : null;
}

/** After one member's check ended: the next member with an open check, begun now, to carry on in the contact's conversation. */
export async function beginNextContactMember(ctx: Ctx, householdId: string, channel: ContactChannel): Promise<NextMember | null> {
  const next = await contactOpenSession(ctx.tx, householdId, ctx.now);
  if (!next) return null;
  const member = await contactMember(ctx.tx, householdId, next);
  if (!member) return null;
  const started = await beginSession({ ctx, input: { sessionId: next.id, channel } });
  return { sessionId: next.id, member, messages: started.messages, begun: started.begun };
}

/**
 * The reminder chain in a contact's household: once a member's check has ended, the first
 * member still open carries it (its clock starts now), so the contact is reminded at their
 * address naming the members still open (as carryReminderChain does for a person reporter).
 */
export async function carryContactChain(ctx: Ctx, householdId: string): Promise<void> {
  const next = await contactOpenSession(ctx.tx, householdId, ctx.now);
  if (!next) return;
  await ctx.tx
    .update(checkSessions)
    .set({ status: next.status === 'pending' ? 'prompted' : next.status, promptedAt: ctx.now, nextActionAt: ctx.now, remindersSent: 0, callAttempts: 0, updatedAt: ctx.now })
    .where(and(eq(checkSessions.id, next.id), isNull(checkSessions.nextActionAt)));
}

/** The members of the contact's household whose check is still open now, in household order (named in the contact's reminder). */
export async function openContactMemberNames(db: DbOrTx, householdId: string, now: Date): Promise<string[]> {
  const h = await householdById(db, householdId);
  const members = h?.members ?? [];
  if (members.length === 0) return [];
  const open = await db
    .select({ personId: checkSessions.personId })
    .from(checkSessions)
    .where(and(inArray(checkSessions.personId, members.map((m) => m.personId)), inArray(checkSessions.status, [...OPEN_SESSION_STATUSES]), gt(checkSessions.expiresAt, now)));
  const ids = new Set(open.map((o) => o.personId));
  return members.filter((m) => ids.has(m.personId)).map((m) => m.name);
}

/**
 * A round's prompt for a member of a contact's household: only the first open member's
 * check is sent (it carries the conversation and the reminder chain); any other becomes a
 * rider (source household, no chain) and is begun when the conversation reaches it.
 * Returns true when the session was made a rider (send nothing).
 */
export async function rideAlongUnlessFirst(ctx: Ctx, contact: ContactReporter, sessionId: string): Promise<boolean> {
  const first = await contactOpenSession(ctx.tx, contact.householdId, ctx.now);
  if (first?.id === sessionId) return false;
  await ctx.tx.update(checkSessions).set({ source: 'household', nextActionAt: null, updatedAt: ctx.now }).where(eq(checkSessions.id, sessionId));
  return true;
}
