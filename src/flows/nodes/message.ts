import type { MessageNode } from '../definition/schema.js';
import { say, send } from '../engine/env.js';
import type { NodeKindSpec } from './kind.js';

/**
 * Says something and moves on without waiting (a greeting, an explanation).
 *
 * Example: { "type": "message", "next": "temperature",
 *            "text": { "ja": "今日の健康観察です。", "en": "Here is today's health check." } }
 */
export const messageNode: NodeKindSpec<MessageNode> = {
  type: 'message',
  enter(node, _id, env) {
    send(env, { kind: 'info', text: say(env, node.text) });
    return { next: node.next };
  },
  successors: (node) => [node.next],
  validate: () => [],
};
