import { evaluateCondition } from '../conditions.js';
import type { BranchNode } from '../definition/schema.js';
import type { NodeKindSpec } from './kind.js';

/**
 * Picks the next node from this session's answers or the subject: the first case whose
 * condition holds, else `default`.
 *
 * Example: { "type": "branch", "default": "face",
 *            "cases": [ { "when": { "subject": "hasOximeter", "op": "eq", "value": true }, "next": "spo2" } ] }
 */
export const branchNode: NodeKindSpec<BranchNode> = {
  type: 'branch',
  enter(node, _id, env) {
    const hit = node.cases.find((c) => evaluateCondition(c.when, env.state.answers, env.ctx));
    return { next: hit ? hit.next : node.default };
  },
  successors: (node) => [...node.cases.map((c) => c.next), node.default],
  validate: () => [],
};
