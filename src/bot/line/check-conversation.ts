import { lastOutboundBody } from '../../domain/outbox/outbound-messages';
import { MONITORED_STATUSES } from '../../domain/persons/monitored';
import { answerCheck } from '../../domain/checks/answer-check';
import { currentPrompt as waitingPrompt } from '../../domain/checks/current-prompt';
import { beginNextHouseholdMember, householdOpenSession, openHouseholdChecks } from '../../domain/households/household-session';
import { isSessionOpen, type CheckSession } from '../../domain/checks/session';
import { startCheck } from '../../domain/checks/start-check';
import { DomainError } from '../../domain/errors';
import { nextMemberIntro, typedRedHint, type Input, type Lang, type SessionState, type TypedRedHint } from '../../flows';
import type { LineLink } from '../../domain/channels/person-on-channel';
import { fitRequest, renderMessages, textMessages, type LineMessage } from './render';
import { pick, T } from './texts';
import { ctxOf, lineReply, patientActor, type LineReply, type LineTurn } from './turn';
import { helpReply, monitoringEndedReply } from './info-replies';

type SessionRow = CheckSession;

const checkReply = (link: LineLink, sessionId: string, messages: LineMessage[], kind: LineReply['kind'] = 'check', redHint?: TypedRedHint | null): LineReply =>
  lineReply(kind, link.personId, sessionId, messages, redHint);

/**
 * The question a session is waiting on, as LINE messages: a session nobody has answered
 * yet shows the flow's opening (computed, not stored); otherwise the last message we sent
 * for it is shown again (it carries the buttons).
 */
export async function currentPrompt(turn: Pick<LineTurn, 'tx' | 'now'>, link: { lang: Lang }, session: SessionRow): Promise<LineMessage[]> {
  if (!session.state) return renderMessages(await waitingPrompt(turn.tx, session.id, 'line', turn.now), { sessionId: session.id }, link.lang);
  const last = (await lastOutboundBody(turn.tx, session.id, 'line', 'messages')) as { messages?: LineMessage[] } | null;
  const messages = last?.messages ?? [];
  return messages.slice(-1);
}

/** Show the check that is waiting, if any (after linking, re-follow, 「今すぐ報告」 during a check): a household's reporter sees the member whose turn it is. */
export async function resumeOpenSession(turn: LineTurn, link: LineLink): Promise<LineReply | null> {
  const open = await householdOpenSession(turn.tx, link.personId, turn.now, turn.ahead);
  if (!open) return null;
  const messages = await currentPrompt(turn, link, open);
  return messages.length ? checkReply(link, open.id, messages) : null;
}

/** One answer (typed text or a button) into a session; a closed session says so and records nothing. */
export async function answerInSession(turn: LineTurn, link: LineLink, sessionId: string, input: Input): Promise<LineReply> {
  const outcome = await answerCheck({ ctx: ctxOf(turn, patientActor(link.personId)), input: { sessionId, input, channel: 'line' } });
  if (outcome.closed) return checkReply(link, sessionId, textMessages([pick(T.closed, link.lang)]), 'closed', null);
  if (outcome.messages.length === 0) return checkReply(link, sessionId, textMessages([pick(T.notUnderstood, link.lang)]), 'note');
  const rendered = renderMessages(outcome.messages, { sessionId }, link.lang);
  if (outcome.completed) {
    const next = await nextHouseholdMember(turn, link, rendered);
    if (next) return next;
  }
  return checkReply(link, sessionId, rendered, 'check', typedRedHint(outcome.messages));
}

/**
 * Proxy reporting: one member's check has ended; if the reporter answers for another
 * member with an open check, go on to them in the same conversation
 * (「次は 花子さん（5歳）について伺います」 and that member's first question).
 */
async function nextHouseholdMember(turn: LineTurn, link: LineLink, before: LineMessage[]): Promise<LineReply | null> {
  const next = await beginNextHouseholdMember(ctxOf(turn, patientActor(link.personId)), link.personId, 'line');
  if (!next) return null;
  const intro = textMessages([nextMemberIntro(next.member, link.lang, 'line')]);
  const prompt = next.begun
    ? renderMessages(next.messages, { sessionId: next.sessionId }, link.lang)
    : ((await resumeOpenSession(turn, link))?.messages ?? []);
  return checkReply(link, next.sessionId, fitRequest([...before, ...intro, ...prompt]), 'check', next.begun ? typedRedHint(next.messages) : undefined);
}

/**
 * A button of an earlier question of the same, still open check (pressed twice, or late):
 * that question is answered already, so say so and show the one waiting, recording nothing
 * (the engine would take it as a wrong answer to the current question). Null otherwise.
 */
export async function alreadyAnswered(turn: LineTurn, link: LineLink, session: SessionRow, questionId: string): Promise<LineReply | null> {
  const state = session.state as SessionState | null;
  if (!isSessionOpen(session, turn.now) || !state || state.nodeId === questionId || !(questionId in state.answers)) return null;
  const prompt = await currentPrompt(turn, link, session);
  return { kind: 'note', personId: link.personId, sessionId: session.id, messages: fitRequest([...textMessages([pick(T.alreadyAnswered, link.lang)]), ...prompt]) };
}

/** 「今すぐ報告」: carry on with today's open check, or start one (source 'patient'). */
export async function reportNow(turn: LineTurn, link: LineLink): Promise<LineReply> {
  const resumed = await resumeOpenSession(turn, link);
  if (resumed) return resumed;
  if (!MONITORED_STATUSES.includes(link.status)) return monitoringEndedReply(link);
  try {
    // A household's reporter: a check for each member too, asked in turn after their own.
    await openHouseholdChecks(ctxOf(turn, patientActor(link.personId)), link.personId, 'line');
    const started = await startCheck({ ctx: ctxOf(turn, patientActor(link.personId)), input: { personId: link.personId, channel: 'line', source: 'patient' } });
    return checkReply(link, started.sessionId, renderMessages(started.messages, { sessionId: started.sessionId }, link.lang), 'check', typedRedHint(started.messages));
  } catch (err) {
    // No flow assigned or none published: tell the patient how to reach the centre instead.
    if (err instanceof DomainError) return helpReply(turn, link);
    throw err;
  }
}

/** A note (sticker, image …) plus the waiting question, so the buttons are at hand again. */
export async function noteWithPrompt(turn: LineTurn, link: LineLink, note: string): Promise<LineReply> {
  const resumed = await resumeOpenSession(turn, link);
  const messages = fitRequest([...textMessages([note]), ...(resumed?.messages ?? [])]);
  return { kind: 'note', personId: link.personId, sessionId: resumed?.sessionId ?? null, messages };
}
