import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { jurisdictions, personChannels, persons, type PersonStatus } from '../../../db/schema';
import type { Lang } from '../../flows';

/** A LINE user linked to a person: what the conversation needs, no more. */
export interface LineLink {
  channelId: string;
  channelState: string;
  personId: string;
  lang: Lang;
  status: PersonStatus;
  centre: { name: string; phone: string | null; openingHours: string | null; timeZone: string };
}

/** The person a LINE user is linked to, or null (not linked yet). */
export async function findLineLink(db: DbOrTx, lineUserId: string): Promise<LineLink | null> {
  const [row] = await db
    .select({
      channelId: personChannels.id,
      channelState: personChannels.state,
      personId: persons.id,
      lang: persons.preferredLanguage,
      status: persons.status,
      centreName: jurisdictions.nameJa,
      phone: jurisdictions.phone,
      openingHours: jurisdictions.openingHours,
      timeZone: jurisdictions.timeZone,
    })
    .from(personChannels)
    .innerJoin(persons, eq(persons.id, personChannels.personId))
    .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
    .where(and(eq(personChannels.kind, 'line'), eq(personChannels.address, lineUserId)));
  if (!row) return null;
  return {
    channelId: row.channelId,
    channelState: row.channelState,
    personId: row.personId,
    lang: row.lang as Lang,
    status: row.status,
    centre: { name: row.centreName, phone: row.phone, openingHours: row.openingHours, timeZone: row.timeZone },
  };
}
