import { evaluateCondition } from '../conditions.js';
import { issue, type FlowIssue } from '../definition/issues.js';
import { nodeAt, type BranchNode, type Condition } from '../definition/schema.js';
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
  validate(node, id, def) {
    const out: FlowIssue[] = [];
    node.cases.forEach((c, i) => {
      for (const q of questionsIn(c.when)) {
        if (nodeAt(def, q)?.type !== 'question') {
          out.push(issue(`nodes.${id}.cases[${i}].when`, 'unknown_question', `条件の質問 ${q} がありません`, `The condition names no question ${q}`));
        }
      }
    });
    return out;
  },
};

function questionsIn(c: Condition): string[] {
  if ('all' in c) return c.all.flatMap(questionsIn);
  if ('any' in c) return c.any.flatMap(questionsIn);
  if ('not' in c) return questionsIn(c.not);
  return c.question !== undefined ? [c.question] : [];
}
