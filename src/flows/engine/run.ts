import { nodeAt, type Text } from '../definition/schema.js';
import { nodeKind } from '../nodes/registry.js';
import { say, send, type RunEnv } from './env.js';
import { fireEndRules, urgentAdvice } from './flags.js';
import { TEXTS } from './texts.js';

/**
 * Walks from `nodeId` through messages and branches until a question waits or the flow
 * ends. A definition that slipped past validation (unknown node, a loop of branches with
 * no question) ends the session with an `error` effect instead of spinning or throwing.
 */
export function runFrom(env: RunEnv, nodeId: string): void {
  const limit = Object.keys(env.def.nodes).length + 1;
  let id = nodeId;
  for (let hops = 0; ; hops++) {
    const node = nodeAt(env.def, id);
    if (!node) return fail(env, 'unknown_node', `node ${id} does not exist`);
    if (hops > limit) return fail(env, 'loop_without_question', `no question reached from ${nodeId}`);
    const r = nodeKind(node).enter(node, id, env);
    if ('wait' in r) return;
    if ('end' in r) return finish(env, 'completed', node.type === 'end' ? node.text : undefined);
    id = r.next;
  }
}

/**
 * Ends the session: trend rules, closing words when completed, then `end`. A check that
 * raised the call-now advice never ends on a calm 「お大事に」: plain thanks, then the advice
 * again, so the last thing the person reads or hears is what to do now.
 */
export function finish(env: RunEnv, outcome: 'completed' | 'abandoned', closing?: Text): void {
  const advisedEarlier = env.state.advised === true;
  fireEndRules(env); // may give the advice itself, just before the closing words
  if (outcome === 'completed' && env.state.advised) {
    send(env, { kind: 'closing', text: say(env, TEXTS.closing) });
    if (advisedEarlier) send(env, urgentAdvice(env));
  } else if (outcome === 'completed') send(env, { kind: 'closing', text: say(env, closing ?? TEXTS.closing) });
  env.state.nodeId = null;
  env.state.status = 'completed';
  env.state.attempts = 0;
  delete env.state.pendingConfirmation;
  delete env.state.picking;
  env.effects.push({ type: 'end', outcome });
}

function fail(env: RunEnv, code: string, message: string): void {
  env.effects.push({ type: 'error', code, message });
  finish(env, 'abandoned');
}
