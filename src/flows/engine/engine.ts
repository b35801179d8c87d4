import { FLOW_SPEC_VERSION } from '../definition/migrations/index.js';
import { nodeAt, type FlowDefinition } from '../definition/schema.js';
import type { FlowContext, Input, SessionState, Step } from '../types.js';
import { handleAnswer, handleConfirmation } from './answer.js';
import { cloneState, type RunEnv } from './env.js';
import { markRedChoices } from './red-choices.js';
import { finish, runFrom } from './run.js';

/** A published version as the host passes it in. */
export interface FlowVersion {
  flowKey: string;
  version: number;
  definition: FlowDefinition;
}

/**
 * Starts a check session: sends any opening messages, then the first question.
 * Pure: the same version and context always give the same step.
 *
 * Example: const { state, effects } = start(version, ctx); // effects: send info…, send question
 */
export function start(version: FlowVersion, ctx: FlowContext): Step {
  const state: SessionState = {
    flowKey: version.flowKey,
    version: version.version,
    nodeId: null,
    answers: {},
    attempts: 0,
    status: 'active',
    step: 0,
  };
  const env: RunEnv = { def: version.definition, ctx, state, effects: [] };
  if (version.definition.spec > FLOW_SPEC_VERSION) {
    env.effects.push({ type: 'error', code: 'spec_too_new', message: `definition spec ${version.definition.spec} > engine ${FLOW_SPEC_VERSION}` });
    finish(env, 'abandoned');
    return { state: env.state, effects: env.effects };
  }
  runFrom(env, version.definition.start);
  return { state: env.state, effects: markRedChoices(env.def, env.state, ctx, env.effects) };
}

/**
 * Feeds one input to the waiting question. A state pinned to another flow or version is
 * refused with an `error` effect and returned unchanged: publishing a new version never
 * changes a running session. The state passed in is never mutated.
 */
export function advance(version: FlowVersion, state: SessionState, input: Input, ctx: FlowContext): Step {
  if (state.flowKey !== version.flowKey || state.version !== version.version) {
    const message = `session is pinned to ${state.flowKey}@${state.version}, got ${version.flowKey}@${version.version}`;
    return { state, effects: [{ type: 'error', code: 'version_mismatch', message }] };
  }
  if (state.status !== 'active' || state.nodeId === null) {
    return { state, effects: [{ type: 'error', code: 'session_completed', message: 'the session has already ended' }] };
  }
  const def = version.definition;
  const env: RunEnv = { def, ctx, state: cloneState(state), effects: [] };
  env.state.step += 1;
  const id = state.nodeId;
  const node = nodeAt(def, id);
  if (!node || node.type !== 'question') {
    env.effects.push({ type: 'error', code: 'unknown_node', message: `waiting node ${id} is not a question` });
    finish(env, 'abandoned');
  } else if (env.state.step > maxSteps(version)) {
    env.effects.push({ type: 'error', code: 'step_limit', message: `more than ${maxSteps(version)} inputs` });
    finish(env, 'abandoned');
  } else if (env.state.pendingConfirmation) {
    handleConfirmation(env, id, node, input);
  } else {
    handleAnswer(env, id, node, input);
  }
  return { state: env.state, effects: markRedChoices(def, env.state, ctx, env.effects) };
}

/**
 * A hard ceiling on inputs per session, even for a flow whose branches loop back: each
 * question takes at most 1 answer + 2 re-asks + 2 confirmations, twice over for loops.
 */
export function maxSteps(version: FlowVersion): number {
  const questions = Object.values(version.definition.nodes).filter((n) => n.type === 'question').length;
  return questions * 10 + 10;
}
