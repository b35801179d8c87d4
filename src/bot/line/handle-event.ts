import { markLineFollowed } from '../../domain/channels/channel-state';
import { MONITORED_STATUSES } from '../../domain/persons/monitored';
import { noteWithPrompt, resumeOpenSession } from './check-conversation';
import { monitoringEndedReply } from './info-replies';
import { handleLinkedPostback, handleLinkedText } from './linked-input';
import { findLineLink } from '../../domain/channels/person-on-channel';
import { askForCode, handleLinkCode, looksLikeLinkCode } from './linking';
import { fitRequest, textMessages } from './render';
import { both, FACILITY_CONTACT_TEXTS, pick, T } from './texts';
import { handleContactEvent } from './contact-conversation';
import { contactsOnAddress } from '../../domain/households/household-contact-session';
import { isFacilityContactLine } from '../../domain/facilities/facility-contact-line';
import type { LineReply, LineTurn } from './turn';
import { handleUnfollow } from '../../domain/channels/line-channel-lost';

/** The fields of a LINE webhook event this adapter reads (the stored payload has them all). */
export interface LineEvent {
  type: string;
  webhookEventId: string;
  timestamp?: number;
  replyToken?: string;
  source?: { type: string; userId?: string };
  deliveryContext?: { isRedelivery: boolean };
  message?: { type: string; text?: string };
  postback?: { data: string };
}

/**
 * One event of a user, in the inbound job's transaction: follow, unfollow, a message or a
 * postback. Returns what to send back, or null. Only 1:1 chats are handled (a group has no
 * patient to link).
 */
export async function handleLineEvent(turn: LineTurn, event: LineEvent): Promise<LineReply | null> {
  if (event.source?.type !== 'user' || !event.source.userId) return null;
  const link = turn.link !== undefined ? turn.link : await findLineLink(turn.tx, turn.userId);
  if (!link) {
    // A household's reporter contact who is not a person (linked by her code): her own conversation.
    const contacts = await contactsOnAddress(turn.tx, 'line', turn.userId);
    if (contacts.length) return handleContactEvent(turn, contacts, event);
    // A facility's staff contact gets the round link here; anything else they send is answered with where to report.
    if (event.type === 'message' && !looksLikeLinkCode(event.message?.text ?? '') && (await isFacilityContactLine(turn.tx, turn.userId))) {
      return { kind: 'note', personId: null, sessionId: null, messages: textMessages([both(FACILITY_CONTACT_TEXTS.note)]) };
    }
  }
  switch (event.type) {
    case 'follow': {
      if (!link) return { kind: 'greeting', personId: null, sessionId: null, messages: textMessages([both(T.greeting)]) };
      if (link.channelState !== 'verified') {
        await markLineFollowed(turn.tx, link.channelId, turn.now);
      }
      if (!MONITORED_STATUSES.includes(link.status)) return monitoringEndedReply(link);
      const resumed = await resumeOpenSession(turn, link);
      const welcome = textMessages([pick(T.welcomeBack, link.lang)]);
      return { kind: 'greeting', personId: link.personId, sessionId: resumed?.sessionId ?? null, messages: fitRequest([...welcome, ...(resumed?.messages ?? [])]) };
    }
    case 'unfollow':
      if (link) await handleUnfollow(turn, link);
      return null;
    case 'message': {
      const text = event.message?.type === 'text' ? (event.message.text ?? '') : null;
      if (!link) return text !== null && looksLikeLinkCode(text) ? handleLinkCode(turn, text) : askForCode();
      if (text === null) return noteWithPrompt(turn, link, pick(T.notUnderstood, link.lang));
      return handleLinkedText(turn, link, text);
    }
    case 'postback':
      if (!link) return askForCode();
      return handleLinkedPostback(turn, link, event.postback?.data ?? '');
    default:
      return null; // unsend, read receipts, joins …: nothing to say
  }
}

