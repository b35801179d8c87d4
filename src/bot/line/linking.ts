import { linkLineUser, normaliseLinkCode } from '../../domain/persons/link-channel';
import { findLineLink } from '../../domain/channels/person-on-channel';
import { fitRequest, textMessages } from './render';
import { resumeOpenSession } from './check-conversation';
import { both, FACILITY_CONTACT_TEXTS, fill, pick, T } from './texts';
import { contactsOnAddress } from '../../domain/households/household-contact-session';
import { contactCentre } from '../../domain/households/household-contact-line';
import { facilityOfContact } from '../../domain/facilities/facility-contact-line';
import { isJapanese } from '../../flows';
import { ctxOf, lineWebhookActor, type LineReply, type LineTurn } from './turn';

/** Text looks like a link code: 12 digits, full-width, spaced or hyphenated too. */
export const looksLikeLinkCode = (text: string) => normaliseLinkCode(text) !== null;

/**
 * A code typed into the chat: link the LINE user — a person, a household's reporter contact
 * or a facility's staff contact, whomever the code was issued for — then say so in their
 * language (a facility contact's is not known: Japanese and English) and carry on with any
 * check that is waiting. Wrong codes and the lock-out are answered in
 * Japanese and English (we do not know the person yet).
 */
export async function handleLinkCode(turn: LineTurn, text: string): Promise<LineReply> {
  const result = await linkLineUser({ ctx: ctxOf(turn, lineWebhookActor), input: { lineUserId: turn.userId, code: text }, env: turn.env });
  const reply = (kind: LineReply['kind'], texts: string[], personId: string | null = null): LineReply => ({ kind, personId, sessionId: null, messages: textMessages(texts) });
  switch (result.status) {
    case 'wrong_code':
      return reply('link', [both({ ja: fill(T.wrongCode.ja, { left: result.attemptsLeft }), en: fill(T.wrongCode.en, { left: result.attemptsLeft }) })]);
    case 'locked': {
      const minutes = Math.ceil(result.retryAfterMs / 60_000);
      return reply('link', [both({ ja: fill(T.lockedOut.ja, { minutes }), en: fill(T.lockedOut.en, { minutes }) })]);
    }
    case 'linked_to_other':
      return reply('link', [both(T.linkedToOther)]);
    case 'linked_contact': {
      const contact = (await contactsOnAddress(turn.tx, 'line', turn.userId)).find((c) => c.householdId === result.householdId);
      const centre = await contactCentre(turn.tx, result.householdId);
      const lang = contact?.lang ?? 'ja';
      return reply('link', [fill(pick(T.contactLinked, lang), { centre: centre ? (isJapanese(lang) ? centre.nameJa : centre.nameEn) : '' })]);
    }
    case 'linked_facility_contact': {
      const facility = (await facilityOfContact(turn.tx, result.facilityContactId)) ?? '';
      return reply('link', [both({ ja: fill(FACILITY_CONTACT_TEXTS.linked.ja, { facility }), en: fill(FACILITY_CONTACT_TEXTS.linked.en, { facility }) })]);
    }
    case 'already_linked':
    case 'linked': {
      const link = await findLineLink(turn.tx, turn.userId);
      if (!link) throw new Error('linked LINE user not found after linking');
      const said = result.status === 'linked' ? fill(pick(T.linked, link.lang), { centre: link.centre.nameJa }) : pick(T.alreadyLinked, link.lang);
      const resumed = await resumeOpenSession(turn, link);
      if (resumed) return { ...resumed, kind: 'link', messages: fitRequest([...textMessages([said]), ...resumed.messages]) };
      return reply('link', [said], link.personId);
    }
  }
}

/** Anything else from someone not linked yet: ask for the code. */
export function askForCode(): LineReply {
  return { kind: 'link', personId: null, sessionId: null, messages: textMessages([both(T.askCode)]) };
}
