import type { FlowContext, OutMessage, SessionState } from '../types.js';
// What a session is asking now, read from its stored state (any language, any number of
// reloads) instead of replaying inputs: every channel (the web page, an SMS reminder, a
// call that resumes a check, LINE) asks here. Pure functions, no I/O.
import { askConfirm, questionMessage } from './ask.js';
import { start, type FlowVersion } from './engine.js';
import { cloneState, type RunEnv } from './env.js';
import { markRedChoicesOf } from './red-choices.js';

export interface PageMessages {
  /** Info, urgent advice, closing words shown above the question. */
  notes: OutMessage[];
  /** The waiting question or read-back, or null when the check is over. */
  prompt: OutMessage | null;
}

const PROMPT_KINDS: OutMessage['kind'][] = ['question', 'reask', 'confirm'];

/** Splits one step's messages: the last question-like message is the prompt, the rest are notes. */
export function splitMessages(messages: OutMessage[]): PageMessages {
  let last = -1;
  messages.forEach((m, i) => {
    if (PROMPT_KINDS.includes(m.kind) && m.expects) last = i;
  });
  return { notes: messages.filter((_, i) => i !== last), prompt: last >= 0 ? messages[last]! : null };
}

/** The session's state, or the state the engine starts with (a session prompted by link or multicast has none yet). */
export function stateOrStart(version: FlowVersion, state: SessionState | null, ctx: FlowContext): SessionState {
  return state ?? start(version, ctx).state;
}

/** The opening messages of the flow (intro + first question), rendered in ctx.lang. */
export function openingMessages(version: FlowVersion, ctx: FlowContext): OutMessage[] {
  return start(version, ctx).effects.flatMap((e) => (e.type === 'send' ? [e.message] : []));
}

/**
 * The question the state waits on, as the engine would ask it in ctx.lang: a pending
 * read-back (「91%で正しいですか？」) when there is one, else the question itself; null
 * when the check is over.
 * @example prompt(version, session.state, ctx)?.text // "体温を教えてください"
 */
export function prompt(version: FlowVersion, state: SessionState, ctx: FlowContext): OutMessage | null {
  if (state.status !== 'active' || !state.nodeId) return null;
  const node = version.definition.nodes[state.nodeId];
  if (!node || node.type !== 'question') return null;
  const env: RunEnv = { def: version.definition, ctx, state: cloneState(state), effects: [] };
  const pending = state.pendingConfirmation;
  if (pending && typeof pending.value === 'number') {
    askConfirm(env, state.nodeId, node, pending.value);
    const sent = env.effects.find((e) => e.type === 'send');
    if (sent?.type === 'send') return markRedChoicesOf(version.definition, state, ctx, sent.message);
  }
  return markRedChoicesOf(version.definition, state, ctx, questionMessage(env, state.nodeId, node, 'question'));
}

/** Flows this short (from the waiting question to the end) are shown as one page. */
export const ONE_PAGE_MAX_QUESTIONS = 8;

/**
 * Every question from the waiting one to the end, when the rest of the flow is a straight
 * line (messages and questions only, no branch) of at most ONE_PAGE_MAX_QUESTIONS and
 * nothing is answered yet — the short contact check fits on one page. Null when a branch, a re-ask or a read-back is
 * ahead: then the page asks one question at a time, as every other channel does.
 */
export function remainingPrompts(version: FlowVersion, state: SessionState, ctx: FlowContext): OutMessage[] | null {
  // Decided before the first answer: a check that started one question at a time stays so.
  if (state.status !== 'active' || !state.nodeId || state.attempts > 0 || state.pendingConfirmation || Object.keys(state.answers).length > 0) return null;
  const env: RunEnv = { def: version.definition, ctx, state: cloneState(state), effects: [] };
  const out: OutMessage[] = [];
  let id: string | undefined = state.nodeId;
  for (let hops = 0; id && hops < 50; hops++) {
    const node: FlowVersion['definition']['nodes'][string] | undefined = version.definition.nodes[id];
    if (!node) return null;
    if (node.type === 'end') return out.length > 0 && out.length <= ONE_PAGE_MAX_QUESTIONS ? out : null;
    if (node.type === 'message') id = node.next;
    else if (node.type === 'question') {
      out.push(questionMessage(env, id, node, 'question'));
      id = node.next;
    } else return null;
  }
  return null;
}
