import type { FlowIssue } from '../definition/issues.js';
import type { FlowDefinition, FlowNode } from '../definition/schema.js';
import type { RunEnv } from '../engine/env.js';

export type EnterResult = { next: string } | { wait: true } | { end: true };

/**
 * One node kind: what happens when the flow enters it, where it can go next (for the
 * graph checks), and what its definition must contain.
 */
export interface NodeKindSpec<N extends FlowNode> {
  type: N['type'];
  enter: (node: N, id: string, env: RunEnv) => EnterResult;
  successors: (node: N) => string[];
  validate: (node: N, id: string, def: FlowDefinition) => FlowIssue[];
}
