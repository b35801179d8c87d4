import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { checkSessions, householdMembers, households, jurisdictions, personChannels, persons, type PersonStatus } from '../../../db/schema';
import type { Lang } from '../../flows';
import { OPEN_SESSION_STATUSES } from '../checks/session';

export type { ChannelKind } from '../../../db/schema';

/**
 * A person as a channel finds them by an address (a LINE user id, a phone number): what a
 * conversation needs, no more. The one shape every channel uses (LINE, SMS, voice).
 */
export interface PersonOnChannel {
  channelId: string;
  channelState: string;
  personId: string;
  lang: Lang;
  status: PersonStatus;
  /** Their health centre (担当保健所): whom to call, when it is open, its time zone. */
  centre: { nameJa: string; nameEn: string; phone: string | null; openingHours: string | null; timeZone: string };
}

/** A LINE user linked to a person. */
export type LineLink = PersonOnChannel;
/** A person registered with a phone number on SMS or voice. */
export type NumberOwner = PersonOnChannel;

/** Whether the person reports for a household or is one of its members: their answers may touch another person's session (proxy reporting). */
const inHouseholdSql = sql<boolean>`(exists (select 1 from ${households} h where h.reporter_person_id = ${persons.id}) or exists (select 1 from ${householdMembers} m where m.person_id = ${persons.id}))`;

/**
 * Every person registered with one of these addresses on this channel, oldest registration
 * first, each with the address that found them (kept apart: the address is personal) and,
 * when asked (`household`), whether they are in a household.
 */
async function personsOnChannel(db: DbOrTx, kind: 'line' | 'sms' | 'voice', addresses: readonly string[], opts: { household?: boolean } = {}): Promise<{ address: string; inHousehold: boolean; person: PersonOnChannel }[]> {
  if (addresses.length === 0) return [];
  const rows = await db
    .select({
      ...(opts.household ? { inHousehold: inHouseholdSql } : {}),
      address: personChannels.address,
      channelId: personChannels.id,
      channelState: personChannels.state,
      personId: persons.id,
      lang: persons.preferredLanguage,
      status: persons.status,
      nameJa: jurisdictions.nameJa,
      nameEn: jurisdictions.nameEn,
      phone: jurisdictions.phone,
      openingHours: jurisdictions.openingHours,
      timeZone: jurisdictions.timeZone,
    })
    .from(personChannels)
    .innerJoin(persons, eq(persons.id, personChannels.personId))
    .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
    .where(and(eq(personChannels.kind, kind), addresses.length === 1 ? eq(personChannels.address, addresses[0]!) : inArray(personChannels.address, [...addresses])))
    .orderBy(personChannels.createdAt);
  return rows.map((r) => ({
    address: r.address,
    inHousehold: Boolean((r as { inHousehold?: boolean }).inHousehold),
    person: {
      channelId: r.channelId,
      channelState: r.channelState,
      personId: r.personId,
      lang: r.lang as Lang,
      status: r.status,
      centre: { nameJa: r.nameJa, nameEn: r.nameEn, phone: r.phone, openingHours: r.openingHours, timeZone: r.timeZone },
    },
  }));
}

/** The person a LINE user is linked to, or null (not linked yet). */
export async function findLineLink(db: DbOrTx, lineUserId: string): Promise<LineLink | null> {
  const [found] = await personsOnChannel(db, 'line', [lineUserId]);
  return found?.person ?? null;
}

/**
 * The persons these LINE users are linked to, by user id (a LINE user id names one person
 * at most; unlinked users are absent), each saying whether they are in a household.
 */
export async function findLineLinks(db: DbOrTx, lineUserIds: readonly string[]): Promise<Map<string, LineLink & { inHousehold: boolean }>> {
  const rows = await personsOnChannel(db, 'line', lineUserIds, { household: true });
  return new Map(rows.map((r) => [r.address, { ...r.person, inHousehold: r.inHousehold }]));
}

/**
 * The persons registered with this number on this channel. A number may be shared by a
 * household, so the one with an open check (newest prompt first) comes first; ties by
 * registration order, so the choice is stable.
 */
export async function ownersOfNumber(db: DbOrTx, kind: 'sms' | 'voice', address: string, _now?: Date): Promise<NumberOwner[]> {
  const rows = (await personsOnChannel(db, kind, [address])).map((r) => r.person);
  if (rows.length <= 1) return rows;
  const open = await db
    .select({ personId: checkSessions.personId, dueAt: checkSessions.dueAt })
    .from(checkSessions)
    .where(and(inArray(checkSessions.personId, rows.map((r) => r.personId)), inArray(checkSessions.status, [...OPEN_SESSION_STATUSES])))
    .orderBy(desc(checkSessions.dueAt));
  const rank = (id: string) => {
    const i = open.findIndex((o) => o.personId === id);
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  return [...rows].sort((a, b) => rank(a.personId) - rank(b.personId));
}
