import { issue, type FlowIssue } from '../definition/issues.js';
import { nodeAt, type FlowDefinition, type QuestionKind, type QuestionNode, type RuleDef } from '../definition/schema.js';
import type { FlowContext, HistoryDay, ObservationValue } from '../types.js';

export interface RuleEnv {
  answers: Record<string, ObservationValue>;
  ctx: FlowContext;
  /** Today's local date; only computed for end-of-session (trend) rules. */
  localDate: string;
  history: HistoryDay[];
}

/**
 * One rule kind. `answer` rules fire as soon as their question is answered (so urgent
 * advice goes out in the same step); `end` rules need the whole day and the history.
 * `evaluate` returns the values that triggered it, or null.
 */
export interface RuleKindSpec<R extends RuleDef> {
  type: R['type'];
  phase: (rule: R) => 'answer' | 'end';
  questions: (rule: R) => string[];
  evaluate: (rule: R, env: RuleEnv) => Record<string, unknown> | null;
  /** The constants the rule compares a number answer to `question` with (where its outcome can change): engine/red-typed.ts probes around them. */
  numbers?: (rule: R, question: string) => number[];
  validate: (rule: R, def: FlowDefinition, path: string) => FlowIssue[];
}

/** Looks up a question a rule names; reports an unknown or wrong-kind question at `path`. */
export function questionRef(
  def: FlowDefinition,
  id: string,
  path: string,
  kinds: QuestionKind[],
  out: FlowIssue[],
): QuestionNode | undefined {
  const node = nodeAt(def, id);
  if (!node || node.type !== 'question') {
    out.push(issue(path, 'unknown_question', `質問 ${id} がありません`, `No question ${id}`));
    return undefined;
  }
  if (!kinds.includes(node.kind)) {
    out.push(issue(path, 'wrong_question_kind', `質問 ${id} はこの規則に使えません（${node.kind}）`, `Question ${id} (${node.kind}) cannot be used by this rule`));
    return undefined;
  }
  return node;
}

/** A threshold the question can never produce is a typo (38 written as 380), so it is an error. */
export function checkInRange(node: QuestionNode, value: number | undefined, path: string, out: FlowIssue[]): void {
  if (value === undefined) return;
  const min = node.min ?? (node.kind === 'scale' ? 0 : undefined);
  const max = node.max ?? (node.kind === 'scale' ? 10 : undefined);
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    out.push(issue(path, 'threshold_out_of_range', `${value} は質問の範囲（${min}〜${max}）の外です`, `${value} is outside the question's range (${min}–${max})`));
  }
}

/** A symptom answer that counts as present: yes, or any checklist item other than the exclusive one. */
export function isPresent(v: ObservationValue | undefined, exclusive?: string): boolean {
  if (v === true) return true;
  if (Array.isArray(v)) return v.some((x) => x !== exclusive);
  return false;
}
