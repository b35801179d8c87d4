import { issue, type FlowIssue } from '../definition/issues.js';
import { nodeAt, type FlowDefinition, type QuestionNode } from '../definition/schema.js';
import { ask } from '../engine/ask.js';
import { QUESTION_KIND_REGISTRY } from '../questions/registry.js';
import type { NodeKindSpec } from './kind.js';

/**
 * Asks a question and waits for the person. The kind-specific parts (reading an answer,
 * hints, checks) live in questions/<kind>.ts.
 *
 * Example: { "type": "question", "kind": "yes_no", "allowUnknown": true, "next": "sore_throat",
 *            "text": { "ja": "咳や鼻水はありますか？", "en": "Do you have a cough or runny nose?",
 *                      "ja-easy": "せきや はなみずは ありますか？" } }
 */
export const questionNode: NodeKindSpec<QuestionNode> = {
  type: 'question',
  enter(node, id, env) {
    ask(env, id, node);
    return { wait: true };
  },
  // A group reaches its member questions: they are answered through it, not asked in turn.
  successors: (node) => [node.next, ...(node.kind === 'group' ? memberIds(node) : [])],
  validate: (node, id, def) => [...QUESTION_KIND_REGISTRY[node.kind].validate(node, `nodes.${id}`), ...groupIssues(node, id, def)],
};

function memberIds(node: QuestionNode): string[] {
  return (node.choices ?? []).map((c) => c.value).filter((v) => v !== node.exclusive);
}

/** Each item of a group names a yes/no question of the flow (its answer is recorded there). */
function groupIssues(node: QuestionNode, id: string, def: FlowDefinition): FlowIssue[] {
  if (node.kind !== 'group') return [];
  const out: FlowIssue[] = [];
  (node.choices ?? []).forEach((c, i) => {
    if (c.value === node.exclusive) return;
    const member = nodeAt(def, c.value);
    if (member?.type !== 'question' || member.kind !== 'yes_no') {
      out.push(issue(`nodes.${id}.choices[${i}].value`, 'group_member', `項目 ${c.value} は「はい／いいえ」の質問ではありません`, `Item ${c.value} is not a yes/no question of this flow`));
    }
  });
  return out;
}
