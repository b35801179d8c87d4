import type { QuestionNode } from '../definition/schema.js';
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
  successors: (node) => [node.next],
  validate: (node, id) => QUESTION_KIND_REGISTRY[node.kind].validate(node, `nodes.${id}`),
};
