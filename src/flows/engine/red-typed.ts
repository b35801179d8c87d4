import type { FlowDefinition, QuestionNode } from '../definition/schema.js';
import { parseNumberAnswer, roundTo, type NumberOptions } from '../normalisers/number.js';
import { parseYesNo } from '../normalisers/yes-no.js';
import { ruleKind } from '../rules/registry.js';
import type { FlowContext, OutMessage, SessionState } from '../types.js';
import { handleAnswer, handleConfirmation } from './answer.js';
import { cloneState, type RunEnv } from './env.js';

/**
 * What a *typed* answer to the waiting question looks like when it would raise a red flag
 * (issue 16): a number in one of `ranges` (read as the engine reads it, with the question's
 * own options), or a typed yes where the yes button is marked red. A door keeps it per sender
 * so the intake can put such a text in the answers' urgent lane, as it does a tapped red
 * button. Only a hint for speed: the answer is judged again, for real, when it is processed.
 */
export type TypedRedHint = { kind: 'number'; options: NumberOptions; ranges: [number, number][] } | { kind: 'yes' };

/**
 * The red readings of a number question, probed as advance() would take each typed value
 * on a copy of the state: red when the answer raises a red flag at once, or asks to confirm a
 * reading whose 「はい」 raises one (SpO2 ≤ 93 is read back before it is recorded). Only the
 * readings on either side of each constant that can change the outcome are probed — the
 * question's range, its read-back bounds and the constants the rules compare it with
 * (RuleKindSpec.numbers) — since between two of them every reading fares alike: about ten
 * probes for SpO2 instead of a hundred. Runs of red probes become ranges. Null when none is red.
 */
export function redNumberRanges(def: FlowDefinition, state: SessionState, ctx: FlowContext, id: string, node: QuestionNode): [number, number][] | null {
  if (node.kind !== 'number' || node.min === undefined || node.max === undefined) return null;
  const step = node.precision && node.precision > 0 ? node.precision : 1;
  const last = Math.round((node.max - node.min) / step);
  const at = (i: number) => roundTo(node.min! + i * step, step);
  const ranges: [number, number][] = [];
  let run: [number, number] | null = null;
  for (const i of probeIndexes(def, id, node, step, last)) {
    const red = readsRed(def, state, ctx, id, node, String(at(i)));
    if (red && run) run[1] = at(i);
    else if (red) ranges.push((run = [at(i), at(i)]));
    else run = null;
  }
  return ranges.length > 0 ? ranges : null;
}

/** Grid indexes beside every constant that matters, in order: between two of them the outcome cannot change. */
function probeIndexes(def: FlowDefinition, id: string, node: QuestionNode, step: number, last: number): number[] {
  const constants = [node.min!, node.max!, node.confirm?.lte, node.confirm?.gte, ...def.rules.flatMap((r) => ruleKind(r).numbers?.(r, id) ?? [])];
  const indexes = new Set<number>();
  for (const c of constants) {
    if (c === undefined) continue;
    const k = (c - node.min!) / step;
    for (const i of [Math.floor(k) - 1, Math.floor(k), Math.ceil(k), Math.ceil(k) + 1]) if (i >= 0 && i <= last) indexes.add(i);
  }
  return [...indexes].sort((a, b) => a - b);
}

function readsRed(def: FlowDefinition, state: SessionState, ctx: FlowContext, id: string, node: QuestionNode, text: string): boolean {
  const env: RunEnv = { def, ctx, state: cloneState(state), effects: [] };
  handleAnswer(env, id, node, { type: 'message', text });
  if (env.state.pendingConfirmation && !hasRed(env)) handleConfirmation(env, id, node, { type: 'message', text: 'はい' });
  return hasRed(env);
}

const hasRed = (env: RunEnv) => env.effects.some((e) => e.type === 'raise_alert' && e.flag.severity === 'red');

const ASKING: OutMessage['kind'][] = ['question', 'reask', 'confirm'];

/** The hint of the last question a reply asks, or null (nothing asked, or no typed answer to it is red). */
export function typedRedHint(messages: readonly OutMessage[]): TypedRedHint | null {
  const asking = [...messages].reverse().find((m) => ASKING.includes(m.kind) && m.questionId);
  if (!asking) return null;
  if (asking.redNumbers) return { kind: 'number', options: asking.redNumbers.options, ranges: asking.redNumbers.ranges };
  return asking.choices?.some((c) => c.value === 'yes' && c.raisesRed) ? { kind: 'yes' } : null;
}

/** Whether a typed text matches the hint: the intake's test, pure and cheap (no state, no flow). */
export function typedAnswerLooksRed(hint: TypedRedHint, text: string): boolean {
  if (hint.kind === 'yes') return parseYesNo(text, true) === 'yes';
  const read = parseNumberAnswer(text, hint.options);
  return read.ok && hint.ranges.some(([lo, hi]) => read.value >= lo && read.value <= hi);
}
