import { nodeKind } from '../nodes/registry.js';
import { ruleKind } from '../rules/registry.js';
import { issue, type FlowIssue } from './issues.js';
import { nodeAt, type FlowDefinition } from './schema.js';
import { translationIssues } from './translations.js';
import { channelLimitIssues } from './limits.js';

/**
 * Graph and content checks on a definition that already has the right shape. Every
 * issue points at the node and field: unknown next node, unreachable node, a loop with
 * no way out, a missing translation, a rule naming an unknown question, a threshold
 * outside the question's range, a risk-factor escalation naming an unknown rule, an SMS
 * wording over two segments. An empty
 * list means publishable.
 */
export function validateFlowDefinition(def: FlowDefinition): FlowIssue[] {
  const out: FlowIssue[] = [];
  const ids = Object.keys(def.nodes);
  if (!nodeAt(def, def.start)) out.push(issue('start', 'unknown_node', `開始ノード ${def.start} がありません`, `Start node ${def.start} does not exist`));
  for (const id of ids) {
    const node = nodeAt(def, id)!;
    const kind = nodeKind(node);
    out.push(...kind.validate(node, id, def));
    nextFields(node).forEach(([field, target]) => {
      if (!nodeAt(def, target)) out.push(issue(`nodes.${id}.${field}`, 'unknown_node', `次のノード ${target} がありません`, `Next node ${target} does not exist`));
    });
  }
  out.push(...graphIssues(def));
  out.push(...translationIssues(def));
  out.push(...channelLimitIssues(def));
  const ruleIds = new Set<string>();
  def.rules.forEach((rule, i) => {
    if (ruleIds.has(rule.id)) out.push(issue(`rules[${i}].id`, 'duplicate_rule', `規則 ${rule.id} が重複しています`, `Rule ${rule.id} is duplicated`));
    ruleIds.add(rule.id);
    out.push(...ruleKind(rule).validate(rule, def, `rules[${i}]`));
  });
  def.escalation?.rules?.forEach((id, i) => {
    if (!ruleIds.has(id)) out.push(issue(`escalation.rules[${i}]`, 'unknown_rule', `規則 ${id} がありません`, `No rule ${id}`));
  });
  return out;
}

function nextFields(node: FlowDefinition['nodes'][string]): [string, string][] {
  if (node.type === 'branch') return [...node.cases.map((c, i): [string, string] => [`cases[${i}].next`, c.next]), ['default', node.default]];
  if (node.type === 'end') return [];
  return [['next', node.next]];
}

/** Unreachable nodes, nodes from which no end can be reached, and cycles that never wait for an answer. */
function graphIssues(def: FlowDefinition): FlowIssue[] {
  const out: FlowIssue[] = [];
  const succ = (id: string) => {
    const n = nodeAt(def, id);
    return n ? nodeKind(n).successors(n).filter((s) => nodeAt(def, s)) : [];
  };
  const reachable = walk([def.start].filter((s) => nodeAt(def, s)), succ);
  const preds = new Map<string, string[]>();
  for (const id of Object.keys(def.nodes)) for (const s of succ(id)) preds.set(s, [...(preds.get(s) ?? []), id]);
  const ends = Object.keys(def.nodes).filter((id) => nodeAt(def, id)!.type === 'end');
  const canEnd = walk(ends, (id) => preds.get(id) ?? []);
  for (const id of Object.keys(def.nodes)) {
    if (!reachable.has(id)) out.push(issue(`nodes.${id}`, 'unreachable_node', `ノード ${id} には到達できません`, `Node ${id} cannot be reached`));
    else if (!canEnd.has(id)) out.push(issue(`nodes.${id}`, 'no_way_out', `ノード ${id} から終了に到達できません（出口のないループ）`, `No end can be reached from node ${id} (a loop with no way out)`));
  }
  // A cycle of messages/branches only would run without waiting; the engine stops it, but it is a content bug.
  const silent = (id: string) => nodeAt(def, id)?.type !== 'question';
  for (const id of Object.keys(def.nodes).filter(silent)) {
    const again = walk(succ(id).filter(silent), (x) => succ(x).filter(silent));
    if (again.has(id)) out.push(issue(`nodes.${id}`, 'loop_without_question', `ノード ${id} は質問を挟まないループです`, `Node ${id} is in a loop that never asks a question`));
  }
  return out;
}

function walk(from: string[], next: (id: string) => string[]): Set<string> {
  const seen = new Set<string>(from);
  const stack = [...from];
  while (stack.length > 0) {
    for (const s of next(stack.pop()!)) {
      if (!seen.has(s)) {
        seen.add(s);
        stack.push(s);
      }
    }
  }
  return seen;
}
