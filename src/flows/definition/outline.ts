import { ruleKind } from '../rules/registry.js';
import type { ObservationValue, Severity } from '../types.js';
import type { FlowDefinition, RuleDef } from './schema.js';

/**
 * The question ids of a flow in the order a person is asked them: a walk from `start`
 * along `next`, a branch's cases then its default, a group's members where the group
 * stands. Questions no path reaches come last, in key order. Read leniently: a stored
 * definition of an older spec still gives what it has.
 */
export function questionOrder(def: Pick<FlowDefinition, 'start' | 'nodes'>): string[] {
  const nodes = (def?.nodes ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (start: string | undefined) => {
    const stack = start ? [start] : [];
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const node = nodes[id];
      if (!node) continue;
      if (node.type === 'question') {
        out.push(id);
        if (node.kind === 'group') {
          for (const c of (node.choices as { value?: string }[] | undefined) ?? []) {
            if (c.value && nodes[c.value]?.type === 'question' && !seen.has(c.value)) {
              seen.add(c.value);
              out.push(c.value);
            }
          }
        }
      }
      // Push in reverse so the first way on is walked first.
      const next: string[] = [];
      if (typeof node.next === 'string') next.push(node.next);
      if (Array.isArray(node.cases)) for (const c of node.cases as { next?: string }[]) if (typeof c?.next === 'string') next.push(c.next);
      if (typeof node.default === 'string') next.push(node.default);
      for (const n of next.reverse()) stack.push(n);
    }
  };
  visit(def?.start);
  for (const id of Object.keys(nodes).sort()) if (nodes[id]?.type === 'question' && !seen.has(id)) out.push(id);
  return out;
}

const SINGLE_ANSWER_RULES: readonly RuleDef['type'][] = ['threshold', 'answer', 'urgent'];

/**
 * How one answer reads against the flow's single-answer rules (thresholds, answers,
 * urgent signs): 'red', 'amber' or null — what a health-observation table marks in its
 * cell. Trend rules need the days around it and are not judged here.
 */
export function answerMark(def: Pick<FlowDefinition, 'rules'>, questionId: string, value: ObservationValue): Severity | null {
  let mark: Severity | null = null;
  for (const rule of def?.rules ?? []) {
    if (!SINGLE_ANSWER_RULES.includes(rule.type) || !('question' in rule) || rule.question !== questionId) continue;
    try {
      const hit = ruleKind(rule).evaluate(rule, { answers: { [questionId]: value }, ctx: undefined as never, localDate: '', history: [] });
      if (hit && (rule.severity === 'red' || mark === null)) mark = rule.severity;
    } catch {
      // An odd stored rule marks nothing rather than breaking the page.
    }
  }
  return mark;
}
