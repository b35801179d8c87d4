import type { FlowNode } from '../definition/schema.js';
import { branchNode } from './branch.js';
import { endNode } from './end.js';
import type { NodeKindSpec } from './kind.js';
import { messageNode } from './message.js';
import { questionNode } from './question.js';

type Registry = { [K in FlowNode['type']]: NodeKindSpec<Extract<FlowNode, { type: K }>> };

/** The one registry of node kinds. */
export const NODE_REGISTRY: Registry = {
  question: questionNode,
  message: messageNode,
  branch: branchNode,
  end: endNode,
};

export function nodeKind(node: FlowNode): NodeKindSpec<FlowNode> {
  return NODE_REGISTRY[node.type] as unknown as NodeKindSpec<FlowNode>;
}
