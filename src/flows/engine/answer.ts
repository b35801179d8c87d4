import type { QuestionNode } from '../definition/schema.js';
import { parseYesNo } from '../normalisers/yes-no.js';
import { QUESTION_KIND_REGISTRY } from '../questions/registry.js';
import { rawOf } from '../questions/kind.js';
import type { Input, ObservationValue } from '../types.js';
import { handleGatedAnswer } from './answer-gated.js';
import { askConfirm, needsConfirm, questionMessage, reask } from './ask.js';
import { LOW_SPEECH_CONFIDENCE, MAX_REASKS, MAX_VOICE_TIMEOUTS, say, send, type RunEnv } from './env.js';
import { fireAnswerRules } from './flags.js';
import { isGated } from './gate.js';
import { readSameAsBefore } from './previous.js';
import { accept, record, recordNothing, unanswered } from './record.js';
import { finish } from './run.js';
import { TEXTS } from './texts.js';

/**
 * One answer to the waiting question. Every path either records the question (answered
 * or unanswered) and moves on, or re-asks with `attempts` one higher — which is what
 * bounds a session: at most MAX_REASKS re-asks, then the flow moves on.
 */
export function handleAnswer(env: RunEnv, id: string, node: QuestionNode, input: Input): void {
  const raw = rawOf(input);
  if (input.type === 'timeout') return handleTimeout(env, id, node);
  if (isGated(node, env.ctx.channel)) return handleGatedAnswer(env, id, node, input);
  const same = readSameAsBefore(node, id, input, raw, env.ctx);
  if (same !== null) return accept(env, id, node, same, raw);
  const stale = input.type === 'choice' && input.questionId !== id; // an old LINE button pressed again
  const result = stale ? ({ ok: false, reason: 'not_understood' } as const) : QUESTION_KIND_REGISTRY[node.kind].read(node, raw ?? '', input, env.ctx);
  if (result.ok) {
    if ((needsConfirm(node, result.value, env.ctx.channel) || unsureSpeech(node, input)) && env.state.attempts < MAX_REASKS) {
      env.state.pendingConfirmation = { questionId: id, value: result.value, raw };
      return askConfirm(env, id, node, result.value as number); // only number questions are confirmed
    }
    return accept(env, id, node, result.value, raw);
  }
  if (node.optional && result.reason === 'empty') return unanswered(env, id, node, raw);
  env.state.attempts += 1;
  if (env.state.attempts > MAX_REASKS) return unanswered(env, id, node, raw);
  reask(env, id, node, result, false);
}

/** A measured number heard with low confidence is read back: 「さんじゅうはち」 misheard as 38 raises an alert. */
function unsureSpeech(node: QuestionNode, input: Input): boolean {
  return node.kind === 'number' && input.type === 'speech' && input.confidence !== undefined && input.confidence < LOW_SPEECH_CONFIDENCE;
}

/** The answer to 「93%で正しいですか？」: yes records it, no asks again, a new number replaces it. */
export function handleConfirmation(env: RunEnv, id: string, node: QuestionNode, input: Input): void {
  const pending = env.state.pendingConfirmation;
  if (!pending) return handleAnswer(env, id, node, input);
  const raw = rawOf(input);
  if (input.type === 'timeout' && env.ctx.channel !== 'voice') {
    // The round is over with a critical reading unconfirmed: record it (a nurse will call) rather than drop it.
    record(env, id, node, pending.value, pending.raw ?? null, 'answered');
    fireAnswerRules(env, id);
    return finish(env, 'abandoned');
  }
  const yn = input.type === 'timeout' ? null : parseYesNo(raw ?? '', false);
  if (yn === 'yes') return accept(env, id, node, pending.value, pending.raw ?? null);
  if (yn === null && input.type !== 'timeout' && input.type !== 'choice') {
    const corrected = QUESTION_KIND_REGISTRY[node.kind].read(node, raw ?? '', input, env.ctx);
    if (corrected.ok) {
      // Counts as an attempt, so 「93」 sent again and again is eventually recorded instead of confirmed forever.
      env.state.attempts += 1;
      delete env.state.pendingConfirmation;
      return handleAnswer(env, id, node, input);
    }
  }
  env.state.attempts += 1;
  if (yn === 'no') {
    delete env.state.pendingConfirmation;
    send(env, questionMessage(env, id, node, 'reask', `${say(env, TEXTS.remeasure)} `));
    return;
  }
  // Not understood twice: keep the reading rather than lose a critical value.
  if (env.state.attempts > MAX_REASKS) return accept(env, id, node, pending.value, pending.raw ?? null);
  askConfirm(env, id, node, pending.value as number);
}

/**
 * Voice: silence is re-asked once, then the question is unanswered. Other channels: a
 * timeout means the round is over, so the session ends as abandoned.
 */
function handleTimeout(env: RunEnv, id: string, node: QuestionNode): void {
  if (node.optional) return unanswered(env, id, node, null);
  if (env.ctx.channel !== 'voice') {
    recordNothing(env, id, node);
    return finish(env, 'abandoned');
  }
  env.state.attempts += 1;
  if (env.state.attempts > MAX_VOICE_TIMEOUTS) return unanswered(env, id, node, null);
  reask(env, id, node, { ok: false, reason: 'empty' }, true);
}
