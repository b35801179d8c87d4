import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { jurisdictions, personChannels, persons } from '../../../db/schema';
import { localize, type Lang, type Localized } from '../../flows';
import type { PromptKind } from '../rounds/record-dispatch';
import { localTimeOf } from '../time';

/** How a text reaches the person: their SMS number, LINE account or voice number, when it may be used. */
export interface LinkRecipient {
  lang: Lang;
  timeZone: string;
  /** The health centre's own quiet hours ("HH:MM-HH:MM"; null: QUIET_HOURS), as the rounds use them. */
  quietHours: string | null;
  sms: string | null;
  line: string | null;
  voice: string | null;
}

/** The person's language, zone and usable SMS / LINE / voice addresses (opted-out and unreachable ones are never used). */
export async function linkRecipient(db: DbOrTx, personId: string): Promise<LinkRecipient | null> {
  const [p] = await db
    .select({ lang: persons.preferredLanguage, tz: jurisdictions.timeZone, quietHours: jurisdictions.quietHours })
    .from(persons)
    .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
    .where(eq(persons.id, personId));
  if (!p) return null;
  const channels = await db
    .select({ kind: personChannels.kind, address: personChannels.address })
    .from(personChannels)
    .where(and(eq(personChannels.personId, personId), inArray(personChannels.state, ['pending', 'verified'])));
  return {
    lang: p.lang as Lang,
    timeZone: p.tz,
    quietHours: p.quietHours,
    sms: channels.find((c) => c.kind === 'sms')?.address ?? null,
    line: channels.find((c) => c.kind === 'line')?.address ?? null,
    voice: channels.find((c) => c.kind === 'voice')?.address ?? null,
  };
}

const TEXT: Record<PromptKind, Localized> = {
  prompt: {
    ja: '【見守り】今日の健康観察をお願いします。{until}までにこちらから回答してください: {url}',
    en: '[Mimamori] Time for your daily health check. Please answer by {until} here: {url}',
    'ja-easy': '【みまもり】きょうの けんこう チェックです。{until}までに こたえて ください: {url}',
  },
  reminder: {
    ja: '【見守り・再送】今日の健康観察がまだです。{until}までにこちらから回答してください: {url}',
    en: '[Mimamori, reminder] Your daily health check is still open. Please answer by {until}: {url}',
    'ja-easy': '【みまもり】きょうの けんこう チェックが まだです。{until}までに こたえて ください: {url}',
  },
};

/**
 * The message carrying the link: one short SMS (the URL is ASCII, so the Japanese text
 * keeps it to a couple of UCS-2 segments — cheaper than a multi-step SMS conversation).
 */
export function linkMessageText(kind: PromptKind, lang: Lang, url: string, expiresAt: Date, timeZone: string): string {
  return localize(TEXT[kind], lang).replace('{until}', localTimeOf(expiresAt, timeZone)).replace('{url}', url);
}
