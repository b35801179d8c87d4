import { nodeAt, type FlowDefinition, type QuestionNode } from '../definition/schema.js';
import { escalate } from '../rules/escalation.js';
import { ruleKind } from '../rules/registry.js';
import type { Effect, FlowContext, OutMessage, SessionState } from '../types.js';
import { handleAnswer, handleConfirmation } from './answer.js';
import { cloneState, type RunEnv } from './env.js';
import { redNumberRanges } from './red-typed.js';
import { numberOptionsOf } from '../questions/number.js';

/**
 * Which choices of the waiting question would raise a red flag if picked now: the engine
 * answers the question with each choice on a copy of the state and looks at the flags.
 * A door may use it to hurry such an answer (LINE marks its button, and the intake puts a
 * tapped red answer in the answers' urgent lane, issue 16); nothing is decided by it — the
 * answer is judged again, for real, when it is processed.
 */
export function markRedChoices(def: FlowDefinition, state: SessionState, ctx: FlowContext, effects: Effect[]): Effect[] {
  const id = state.nodeId;
  if (state.status !== 'active' || !id) return effects;
  const node = nodeAt(def, id);
  if (!node || node.type !== 'question' || !mayRaiseRed(def, ctx, id, node)) return effects;
  if (node.kind === 'number' && !state.pendingConfirmation) return markRedNumbers(def, state, ctx, id, node, effects);
  return effects.map((e) => (e.type === 'send' && isAsking(e.message, id) ? { ...e, message: marked(def, state, ctx, id, node, e.message) } : e));
}

/** The same for a message shown on its own (the waiting question read back from a stored state). */
export function markRedChoicesOf(def: FlowDefinition, state: SessionState, ctx: FlowContext, message: OutMessage): OutMessage {
  const [effect] = markRedChoices(def, state, ctx, [{ type: 'send', message }]);
  return effect?.type === 'send' ? effect.message : message;
}

/** A number question's red readings (engine/red-typed.ts) on the messages that ask it. */
function markRedNumbers(def: FlowDefinition, state: SessionState, ctx: FlowContext, id: string, node: QuestionNode, effects: Effect[]): Effect[] {
  const asks = (m: OutMessage) => (m.kind === 'question' || m.kind === 'reask') && m.questionId === id;
  if (!effects.some((e) => e.type === 'send' && asks(e.message))) return effects;
  const ranges = redNumberRanges(def, state, ctx, id, node);
  if (!ranges) return effects;
  const redNumbers = { options: numberOptionsOf(node), ranges };
  return effects.map((e) => (e.type === 'send' && asks(e.message) ? { ...e, message: { ...e.message, redNumbers } } : e));
}

const ASKING: OutMessage['kind'][] = ['question', 'reask', 'confirm'];
const isAsking = (m: OutMessage, id: string) => ASKING.includes(m.kind) && m.questionId === id && (m.choices?.length ?? 0) > 0;

function marked(def: FlowDefinition, state: SessionState, ctx: FlowContext, id: string, node: QuestionNode, message: OutMessage): OutMessage {
  const choices = message.choices!.map((c) => (raisesRed(def, state, ctx, id, node, c.value) ? { ...c, raisesRed: true } : c));
  return { ...message, choices };
}

/** The answer taken on a copy, as advance() would take it; true when a red flag comes of it. */
function raisesRed(def: FlowDefinition, state: SessionState, ctx: FlowContext, id: string, node: QuestionNode, value: string): boolean {
  const env: RunEnv = { def, ctx, state: cloneState(state), effects: [] };
  const input = { type: 'choice' as const, questionId: id, value };
  if (env.state.pendingConfirmation) handleConfirmation(env, id, node, input);
  else handleAnswer(env, id, node, input);
  return env.effects.some((e) => e.type === 'raise_alert' && e.flag.severity === 'red');
}

/**
 * Cheap check first: a rule fired on answering (not a trend) names this question — or, for a
 * symptom group, one of its items — and is red, or amber raised to red for this person's
 * risk factors. Most questions (a temperature, a 「いいえ」 day) are not probed at all.
 */
function mayRaiseRed(def: FlowDefinition, ctx: FlowContext, id: string, node: QuestionNode): boolean {
  const asked = new Set([id, ...(node.kind === 'group' ? (node.choices ?? []).map((c) => c.value) : [])]);
  return def.rules.some((rule) => {
    const kind = ruleKind(rule);
    if (kind.phase(rule) !== 'answer' || !kind.questions(rule).some((q) => asked.has(q))) return false;
    return escalate({ ruleId: rule.id, severity: rule.severity, reason: rule.reason, values: {} }, def, ctx).severity === 'red';
  });
}
