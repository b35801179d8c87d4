import type { messagingApi } from '@line/bot-sdk';
import type { Lang, OutMessage } from '../../flows';
import { encodePostback, POSTBACK_MAX, type Postback } from '../../platform/line/postback';
import { pick, T } from './texts';

export type LineMessage = messagingApi.TextMessage;
export type QuickReplyItem = messagingApi.QuickReplyItem;

/** LINE's limits: 13 quick-reply buttons, 20-character labels, 5 messages per request, 5000 characters per text. */
export const MAX_QUICK_REPLIES = 13;
export const MAX_LABEL = 20;
export const MAX_MESSAGES = 5;
const MAX_TEXT = 5000;

/** Which session a button answers: one session, or (multicast) a round on a local date. */
export type ButtonTarget = { sessionId: string } | { round: string; localDate: string };

const length = (s: string) => [...s].length;

function postbackFor(target: ButtonTarget, questionId: string, value: string, raisesRed: boolean | undefined): Postback {
  const urgent = raisesRed ? { urgent: true } : {};
  return 'sessionId' in target
    ? { kind: 'session', sessionId: target.sessionId, questionId, value, ...urgent }
    : { kind: 'round', round: target.round, localDate: target.localDate, questionId, value, ...urgent };
}

export function postbackItem(label: string, data: string): QuickReplyItem {
  return { type: 'action', action: { type: 'postback', label, data, displayText: label } };
}

/**
 * One engine message as one LINE text. Choices become quick-reply buttons when they fit
 * (≤ 13, labels ≤ 20 characters, postback data ≤ 300 characters — a flow's choice values
 * have no length limit); otherwise a numbered list the choice normaliser reads back
 * (「1 3」). Multiple-choice questions always show the numbers too, since a quick reply
 * button picks one. A re-ask whose buttons fit is the hint alone, with the buttons.
 */
export function renderOne(msg: OutMessage, target: ButtonTarget, lang: Lang): LineMessage {
  const choices = msg.choices ?? [];
  let text = msg.text;
  const questionId = msg.questionId;
  const data = questionId ? choices.map((c) => encodePostback(postbackFor(target, questionId, c.value, c.raisesRed))) : [];
  const fits =
    choices.length > 0 &&
    choices.length <= MAX_QUICK_REPLIES &&
    choices.every((c) => length(c.label) <= MAX_LABEL) &&
    data.every((d) => d.length <= POSTBACK_MAX);
  const multi = msg.expects === 'multi';
  // A re-ask with buttons is one short line (「番号かボタンで」): the list is in the question just above.
  const shortReask = msg.kind === 'reask' && fits && msg.hint !== undefined;
  if (shortReask) text = msg.hint!;
  else if (choices.length > 0 && (!fits || multi)) {
    const list = choices.map((c, i) => `${i + 1}. ${c.label}`).join('\n');
    const hint = multi ? (fits ? T.multiHint : T.chooseNumber) : T.chooseOneNumber;
    text = `${text}\n${list}\n${pick(hint, lang)}`;
  }
  const out: LineMessage = { type: 'text', text: truncate(text) };
  if (fits && questionId) out.quickReply = { items: choices.map((c, i) => postbackItem(c.label, data[i]!)) };
  return out;
}

/** Engine messages to at most 5 LINE messages: surplus leading texts are joined, the last keeps its buttons. */
export function renderMessages(msgs: OutMessage[], target: ButtonTarget, lang: Lang): LineMessage[] {
  return fitRequest(msgs.map((m) => renderOne(m, target, lang)));
}

/** Plain texts (help, notes) with optional buttons on the last one. */
export function textMessages(texts: string[], items: QuickReplyItem[] = []): LineMessage[] {
  const out: LineMessage[] = texts.map((t) => ({ type: 'text', text: truncate(t) }));
  const last = out[out.length - 1];
  if (last && items.length) last.quickReply = { items: items.slice(0, MAX_QUICK_REPLIES) };
  return fitRequest(out);
}

/** Join leading messages so one request carries at most 5; quick replies only count on the last. */
export function fitRequest(messages: LineMessage[]): LineMessage[] {
  if (messages.length <= MAX_MESSAGES) return messages;
  const surplus = messages.length - MAX_MESSAGES + 1;
  const head: LineMessage = { type: 'text', text: truncate(messages.slice(0, surplus).map((m) => m.text).join('\n\n')) };
  return [head, ...messages.slice(surplus)];
}

function truncate(s: string): string {
  return length(s) <= MAX_TEXT ? s : `${[...s].slice(0, MAX_TEXT - 1).join('')}…`;
}
