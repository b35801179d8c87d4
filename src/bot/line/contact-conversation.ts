import { answerCheck } from '../../domain/checks/answer-check';
import { sessionsByIds, type CheckSession } from '../../domain/checks/session';
import { setContactOptOut } from '../../domain/households/household-contact';
import { beginNextContactMember, contactMember, contactOpenSession, contactReporterOf, type ContactReporter } from '../../domain/households/household-contact-session';
import { nextMemberIntro, typedRedHint, type Input, type SessionState, type TypedRedHint } from '../../flows';
import { parsePostback } from '../../platform/line/postback';
import { currentPrompt } from './check-conversation';
import type { LineEvent } from './handle-event';
import { handleLinkCode, looksLikeLinkCode } from './linking';
import { fitRequest, renderMessages, textMessages, type LineMessage } from './render';
import { pick, T } from './texts';
import { ctxOf, lineReply, patientActor, type LineReply, type LineTurn } from './turn';

/**
 * The LINE conversation of a household's reporter contact — a parent who is not a person,
 * linked by her code (households.contact_channel 'line'). As on SMS: she answers for the
 * member whose turn it is (contactOpenSession), recorded as the member's with
 * `answered_by_household_id`; when one member's check ends the next one's begins here
 * (「次は 花子さん（5歳）について伺います」). Blocking the account (unfollow) is her STOP:
 * she is sent nothing and the members' rounds go to their own channels until she adds
 * the account again (follow). Replies are recorded against the member (she has no persons row).
 */
export async function handleContactEvent(turn: LineTurn, contacts: ContactReporter[], event: LineEvent): Promise<LineReply | null> {
  const lang = contacts[0]!.lang;
  switch (event.type) {
    case 'unfollow':
      for (const c of contacts) await setContactOptOut(turn.tx, c.householdId, true, turn.now);
      return null;
    case 'follow': {
      for (const c of contacts) await setContactOptOut(turn.tx, c.householdId, false, turn.now);
      const resumed = await resumeContact(turn, contacts);
      return { kind: 'greeting', personId: resumed?.personId ?? null, sessionId: resumed?.sessionId ?? null, messages: fitRequest([...textMessages([pick(T.welcomeBack, lang)]), ...(resumed?.messages ?? [])]) };
    }
    case 'message': {
      const text = event.message?.type === 'text' ? (event.message.text ?? '') : null;
      const open = await openTurn(turn, contacts);
      if (text === null) return note(turn, contacts, pick(T.notUnderstood, lang));
      if (open) return answerAsContact(turn, open.contact, open.session, { type: 'message', text });
      // Outside a check a code may link her LINE to another household (a second family).
      if (looksLikeLinkCode(text)) return handleLinkCode(turn, text);
      return { kind: 'note', personId: null, sessionId: null, messages: textMessages([pick(T.noOpenCheck, lang)]) };
    }
    case 'postback': {
      const p = parsePostback(event.postback?.data ?? '');
      if (p?.kind !== 'session') return note(turn, contacts, null); // the rich menu: the check that is waiting, if any
      const [session] = await sessionsByIds(turn.tx, [p.sessionId]);
      const mine = session ? await contactReporterOf(turn.tx, session.personId) : null;
      const contact = mine && contacts.find((c) => c.householdId === mine.householdId);
      if (!session || !contact) return { kind: 'closed', personId: null, sessionId: null, messages: textMessages([pick(T.closed, lang)]) };
      const state = session.state as SessionState | null;
      // A button of a question answered already (pressed twice, or late): say so, show the one waiting.
      if (state && state.nodeId !== p.questionId && p.questionId in state.answers) return note(turn, [contact], pick(T.alreadyAnswered, lang));
      return answerAsContact(turn, contact, session, { type: 'choice', questionId: p.questionId, value: p.value });
    }
    default:
      return null;
  }
}

/** The first of her households with a member's check open, and that check. */
async function openTurn(turn: LineTurn, contacts: ContactReporter[]): Promise<{ contact: ContactReporter; session: CheckSession } | null> {
  for (const contact of contacts) {
    const session = await contactOpenSession(turn.tx, contact.householdId, turn.now);
    if (session) return { contact, session };
  }
  return null;
}

/** The question the member whose turn it is waits on, introduced by the member's name. */
async function resumeContact(turn: LineTurn, contacts: ContactReporter[]): Promise<LineReply | null> {
  const open = await openTurn(turn, contacts);
  if (!open) return null;
  const member = await contactMember(turn.tx, open.contact.householdId, open.session);
  const prompt = await currentPrompt(turn, open.contact, open.session);
  const intro = member ? textMessages([nextMemberIntro(member, open.contact.lang, 'line')]) : [];
  return { kind: 'check', personId: open.session.personId, sessionId: open.session.id, messages: fitRequest([...intro, ...prompt]) };
}

async function note(turn: LineTurn, contacts: ContactReporter[], text: string | null): Promise<LineReply> {
  const resumed = await resumeContact(turn, contacts);
  const lead = text ? [text] : resumed ? [] : [pick(T.noOpenCheck, contacts[0]!.lang)];
  return { kind: 'note', personId: resumed?.personId ?? null, sessionId: resumed?.sessionId ?? null, messages: fitRequest([...textMessages(lead), ...(resumed?.messages ?? [])]) };
}

/** Her answer into a member's check; when it ends, the next member's begins in the same reply. */
async function answerAsContact(turn: LineTurn, contact: ContactReporter, session: CheckSession, input: Input): Promise<LineReply> {
  const ctx = ctxOf(turn, patientActor(session.personId));
  const reply = (personId: string, sessionId: string, messages: LineMessage[], kind: LineReply['kind'] = 'check', redHint?: TypedRedHint | null): LineReply =>
    lineReply(kind, personId, sessionId, messages, redHint);
  const outcome = await answerCheck({ ctx, input: { sessionId: session.id, input, channel: 'line', byContactOf: contact.householdId } });
  if (outcome.closed) return reply(session.personId, session.id, textMessages([pick(T.closed, contact.lang)]), 'closed', null);
  if (outcome.messages.length === 0) return reply(session.personId, session.id, textMessages([pick(T.notUnderstood, contact.lang)]), 'note');
  const rendered = renderMessages(outcome.messages, { sessionId: session.id }, contact.lang);
  const next = outcome.completed ? await beginNextContactMember(ctx, contact.householdId, 'line') : null;
  if (!next) return reply(session.personId, session.id, rendered, 'check', typedRedHint(outcome.messages));
  const [nextSession] = next.begun ? [] : await sessionsByIds(turn.tx, [next.sessionId]);
  const prompt = next.begun ? renderMessages(next.messages, { sessionId: next.sessionId }, contact.lang) : nextSession ? await currentPrompt(turn, contact, nextSession) : [];
  const intro = textMessages([nextMemberIntro(next.member, contact.lang, 'line')]);
  return reply(next.member.personId, next.sessionId, fitRequest([...rendered, ...intro, ...prompt]), 'check', next.begun ? typedRedHint(next.messages) : undefined);
}
