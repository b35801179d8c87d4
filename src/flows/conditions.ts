import type { Condition } from './definition/schema.js';
import type { FlowContext, ObservationValue } from './types.js';

/**
 * Evaluates a branch condition over this session's answers and the subject.
 * Comparisons with a missing or non-numeric answer are false (never an exception),
 * so an unanswered question simply takes the default path.
 *
 * Example: { "any": [ { "question": "spo2", "op": "lte", "value": 93 },
 *                     { "not": { "subject": "hasOximeter", "op": "eq", "value": true } } ] }
 */
export function evaluateCondition(
  cond: Condition,
  answers: Record<string, ObservationValue>,
  ctx: FlowContext,
): boolean {
  if ('all' in cond) return cond.all.every((c) => evaluateCondition(c, answers, ctx));
  if ('any' in cond) return cond.any.some((c) => evaluateCondition(c, answers, ctx));
  if ('not' in cond) return !evaluateCondition(cond.not, answers, ctx);
  const left: unknown = cond.question !== undefined ? answers[cond.question] : cond.subject ? ctx.subject[cond.subject] : undefined;
  return compare(left, cond.op, cond.value);
}

function compare(left: unknown, op: string, right: unknown): boolean {
  switch (op) {
    case 'answered':
      return left !== undefined && left !== null;
    case 'unanswered':
      return left === undefined || left === null;
    case 'eq':
      return same(left, right);
    case 'ne':
      return !same(left, right);
    case 'in':
      return Array.isArray(right) && (right as unknown[]).some((r) => same(left, r));
    case 'includes':
      return Array.isArray(left) && (left as unknown[]).some((l) => same(l, right));
    default: {
      if (typeof left !== 'number' || typeof right !== 'number') return false;
      if (op === 'lt') return left < right;
      if (op === 'lte') return left <= right;
      if (op === 'gt') return left > right;
      return left >= right; // gte
    }
  }
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}
