import type { QuestionNode } from '../definition/schema.js';
import { rawOf } from '../questions/kind.js';
import type { Input } from '../types.js';
import { reask } from './ask.js';
import { MAX_REASKS, type RunEnv } from './env.js';
import { gatedMessage, isPickingStep, readGate, readPick } from './gate.js';
import { accept, acceptGroup, unanswered } from './record.js';

/**
 * One answer to a two-step question (engine/gate.ts). 「なし」 at step one finishes it;
 * 「ある」 (or 「わからない」 to a checklist) moves to step two; items named at either step
 * are the answer. Unreadable answers are re-asked like any other, at most MAX_REASKS times.
 */
export function handleGatedAnswer(env: RunEnv, id: string, node: QuestionNode, input: Input): void {
  const raw = rawOf(input) ?? '';
  const stale = input.type === 'choice' && input.questionId !== id;
  const picking = isPickingStep(node, env);
  let result = stale ? ({ ok: false, reason: 'not_understood' } as const) : picking ? readPick(node, raw, input, env) : readGate(node, raw, input, env);
  // A checklist read item by item has no 「わからない」 of its own (as when asked in one step): asked again, then unanswered.
  if (picking && node.kind === 'multi' && result.ok && result.value === 'unknown') result = { ok: false, reason: 'not_understood' };
  if (!result.ok) {
    if (node.optional && result.reason === 'empty') return unanswered(env, id, node, raw);
    env.state.attempts += 1;
    if (env.state.attempts > MAX_REASKS) return unanswered(env, id, node, raw);
    return reask(env, id, node, result, false);
  }
  const v = result.value;
  if (v === 'any' || (v === 'unknown' && !picking && node.kind === 'multi')) {
    env.state.picking = true;
    env.state.attempts = 0;
    env.effects.push({ type: 'send', message: gatedMessage(env, id, node, 'question') });
    return;
  }
  if (node.kind === 'group') return acceptGroup(env, id, node, v === 'none' ? [] : v, raw);
  delete env.state.picking;
  accept(env, id, node, v === 'none' || v === 'unknown' ? [node.exclusive ?? 'none'] : v, raw);
}
