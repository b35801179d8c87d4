import { findAnswerableSession, householdOpenSession } from '../../domain/households/household-session';
import { alreadyAnswered, answerInSession, reportNow } from './check-conversation';
import { contactReply, helpReply, recordsReply } from './info-replies';
import type { LineLink } from '../../domain/channels/person-on-channel';
import { handleLinkCode, looksLikeLinkCode } from './linking';
import { parsePostback, type MenuAction } from '../../platform/line/postback';
import { textMessages, type QuickReplyItem } from './render';
import { languageButtonText, languageChosenText, parseLanguageCommand } from '../language-command';
import { choosePatientLanguage } from '../../domain/persons/preferred-language';
import { LANGUAGES, localize } from '../../flows';
import { patientActor } from './turn';
import { KEYWORDS, pick, T } from './texts';
import type { LineReply, LineTurn } from './turn';

const fold = (s: string) => s.normalize('NFKC').trim().toLowerCase().replace(/[\s。！!]/g, '');

/** 「今すぐ報告」「記録を見る」「保健所に連絡」 typed (or sent by a rich-menu message action). */
export function keywordOf(text: string): MenuAction | null {
  const t = fold(text);
  for (const action of ['report', 'records', 'contact'] as const) {
    if (KEYWORDS[action].some((k) => fold(k) === t)) return action;
  }
  return null;
}

function menu(turn: LineTurn, link: LineLink, action: MenuAction): Promise<LineReply> | LineReply {
  if (action === 'report') return reportNow(turn, link);
  if (action === 'records') return recordsReply(turn, link);
  return contactReply(link);
}

/**
 * Text from a linked person: a menu word, an answer to the open check, a new link code
 * (only outside a check, so a typed number is never taken for a code), or help.
 */
export async function handleLinkedText(turn: LineTurn, link: LineLink, text: string): Promise<LineReply> {
  const action = keywordOf(text);
  if (action) return menu(turn, link, action);
  const command = parseLanguageCommand(text);
  if (command) return languageReply(turn, link, command);
  const open = await householdOpenSession(turn.tx, link.personId, turn.now, turn.ahead);
  if (open) return answerInSession(turn, link, open.id, { type: 'message', text });
  if (looksLikeLinkCode(text)) return handleLinkCode(turn, text);
  return helpReply(turn, link);
}

/**
 * A button: the rich menu, or an answer naming its session (or, from a multicast prompt,
 * its round and date). A button of another person's or another day's check is "closed" —
 * it never records into today's check; one of an earlier question of this check is
 * "already answered".
 */
export async function handleLinkedPostback(turn: LineTurn, link: LineLink, data: string): Promise<LineReply> {
  const p = parsePostback(data);
  if (!p) return helpReply(turn, link);
  if (p.kind === 'menu') return menu(turn, link, p.action);
  const session = await findAnswerableSession(turn.tx, link.personId, p.kind === 'session' ? { sessionId: p.sessionId } : { localDate: p.localDate, round: p.round }, turn.ahead);
  if (!session) {
    return { kind: 'closed', personId: link.personId, sessionId: null, messages: textMessages([pick(T.closed, link.lang)]) };
  }
  const answered = await alreadyAnswered(turn, link, session, p.questionId);
  if (answered) return answered;
  return answerInSession(turn, link, session.id, { type: 'choice', questionId: p.questionId, value: p.value });
}

/**
 * 「言語」: the twelve languages as quick-reply buttons (each by its own name; a button sends
 * "LANGUAGE <n>" back as text); 「言語 6」 or a button: the choice, confirmed in the new language.
 */
async function languageReply(turn: LineTurn, link: LineLink, command: NonNullable<ReturnType<typeof parseLanguageCommand>>): Promise<LineReply> {
  if (command.kind === 'set') {
    await choosePatientLanguage({ ctx: { actor: patientActor(link.personId), tx: turn.tx, now: turn.now }, input: { personId: link.personId, lang: command.lang } });
    return { kind: 'reply', personId: link.personId, sessionId: null, messages: textMessages([languageChosenText(command.lang)]) };
  }
  const items: QuickReplyItem[] = LANGUAGES.map((l, i) => ({ type: 'action', action: { type: 'message', label: l.label, text: languageButtonText(i) } }));
  const ask = localize({ ja: '言語を選んでください。', en: 'Choose your language.', 'ja-easy': 'ことばを えらんで ください。' }, link.lang);
  return { kind: 'reply', personId: link.personId, sessionId: null, messages: textMessages([ask], items) };
}
