import { nodeAt, type QuestionNode } from '../definition/schema.js';
import type { ObservationValue } from '../types.js';
import type { RunEnv } from './env.js';
import { fireAnswerRules } from './flags.js';
import { runFrom } from './run.js';

/** Records the answer, fires the rules that judge it, and walks on to the next question. */
export function accept(env: RunEnv, id: string, node: QuestionNode, value: ObservationValue, raw: string | null): void {
  record(env, id, node, value, raw, 'answered');
  fireAnswerRules(env, id);
  runFrom(env, node.next);
}

/** Recorded as null; rules that name `null` (「答えが読み取れない」 on a red-symptom question) fire here. */
export function unanswered(env: RunEnv, id: string, node: QuestionNode, raw: string | null): void {
  if (node.kind === 'group') return acceptGroup(env, id, node, null, raw);
  record(env, id, node, null, raw, 'unanswered');
  fireAnswerRules(env, id);
  runFrom(env, node.next);
}

/** Records nothing-answered without moving on (the round is over: the session ends next). */
export function recordNothing(env: RunEnv, id: string, node: QuestionNode): void {
  if (node.kind !== 'group') return record(env, id, node, null, null, 'unanswered');
  for (const [memberId, member] of groupMembers(env, node)) record(env, memberId, member, null, null, 'unanswered');
  delete env.state.picking;
}

/**
 * A group's answer is each member question's answer: picked → yes, not picked → no
 * (「どれもない」 is a no to every one), 「わからない」 → unknown, null → unanswered. So rules,
 * trends and statistics see the same observations as when each question is asked alone.
 */
export function acceptGroup(env: RunEnv, id: string, node: QuestionNode, picked: string[] | 'unknown' | null, raw: string | null): void {
  const members = groupMembers(env, node);
  for (const [memberId, member] of members) {
    const value = picked === null ? null : picked === 'unknown' ? 'unknown' : picked.includes(memberId);
    record(env, memberId, member, value, raw, picked === null ? 'unanswered' : 'answered');
  }
  env.state.answers[id] = picked === null || picked === 'unknown' ? picked : picked.length > 0 ? picked : [node.exclusive ?? 'none'];
  delete env.state.picking;
  for (const [memberId] of members) fireAnswerRules(env, memberId);
  runFrom(env, node.next);
}

/** The member questions of a group, in the group's order (validation makes sure each is a question). */
export function groupMembers(env: RunEnv, node: QuestionNode): [string, QuestionNode][] {
  const out: [string, QuestionNode][] = [];
  for (const c of node.choices ?? []) {
    if (c.value === node.exclusive) continue;
    const member = nodeAt(env.def, c.value);
    if (member?.type === 'question') out.push([c.value, member]);
  }
  return out;
}

export function record(env: RunEnv, id: string, node: QuestionNode, value: ObservationValue, raw: string | null, status: 'answered' | 'unanswered'): void {
  env.state.answers[id] = value;
  env.state.attempts = 0;
  delete env.state.pendingConfirmation;
  env.effects.push({
    type: 'record_observation',
    observation: { questionId: id, kind: node.kind, value, raw, ...(node.unit ? { unit: node.unit } : {}), status },
  });
}
