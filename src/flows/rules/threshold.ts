import { issue, type FlowIssue } from '../definition/issues.js';
import type { RuleDef } from '../definition/schema.js';
import { checkInRange, questionRef, type RuleKindSpec } from './kind.js';

type ThresholdRule = Extract<RuleDef, { type: 'threshold' }>;

/**
 * A number answer crossing a limit. All given bounds must hold (they are ANDed), so
 * "94–95" is `between: [94, 95]` and "outside 50–120" is `outside: [50, 120]`.
 *
 * Example: { "id": "spo2_low", "type": "threshold", "question": "spo2", "lte": 93,
 *            "severity": "red", "callNow": true,
 *            "reason": { "ja": "SpO2 93%以下", "en": "SpO2 ≤ 93 %" } }
 */
export const thresholdRule: RuleKindSpec<ThresholdRule> = {
  type: 'threshold',
  phase: () => 'answer',
  questions: (r) => [r.question],
  evaluate(r, env) {
    const v = env.answers[r.question];
    if (typeof v !== 'number') return null;
    const hit =
      (r.lte === undefined || v <= r.lte) &&
      (r.lt === undefined || v < r.lt) &&
      (r.gte === undefined || v >= r.gte) &&
      (r.gt === undefined || v > r.gt) &&
      (r.between === undefined || (v >= r.between[0] && v <= r.between[1])) &&
      (r.outside === undefined || v < r.outside[0] || v > r.outside[1]);
    return hit ? { [r.question]: v } : null;
  },
  numbers: (r, q) => (r.question === q ? [r.lte, r.lt, r.gte, r.gt, ...(r.between ?? []), ...(r.outside ?? [])].filter((n): n is number => n !== undefined) : []),
  validate(r, def, path) {
    const out: FlowIssue[] = [];
    const node = questionRef(def, r.question, `${path}.question`, ['number', 'scale'], out);
    const bounds = [r.lte, r.lt, r.gte, r.gt, r.between, r.outside].filter((b) => b !== undefined);
    if (bounds.length === 0) out.push(issue(path, 'missing_threshold', 'しきい値がありません', 'The rule has no threshold'));
    if (!node) return out;
    for (const key of ['lte', 'lt', 'gte', 'gt'] as const) checkInRange(node, r[key], `${path}.${key}`, out);
    for (const key of ['between', 'outside'] as const) {
      r[key]?.forEach((v, i) => checkInRange(node, v, `${path}.${key}[${i}]`, out));
    }
    return out;
  },
};
