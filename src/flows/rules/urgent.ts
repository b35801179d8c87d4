import { issue, type FlowIssue } from '../definition/issues.js';
import type { RuleDef } from '../definition/schema.js';
import { questionRef, type RuleKindSpec } from './kind.js';

type UrgentRule = Extract<RuleDef, { type: 'urgent' }>;

/**
 * Any item of an urgent-symptoms checklist (厚労省「緊急性の高い症状」) other than those
 * in `except` (「なし」). Always tells the patient to call now, whatever `callNow` says:
 * the advice must not wait for a nurse.
 *
 * Example: { "id": "urgent_symptom", "type": "urgent", "question": "urgent", "except": ["none"],
 *            "severity": "red",
 *            "reason": { "ja": "緊急性の高い症状がある", "en": "An urgent symptom" } }
 */
export const urgentRule: RuleKindSpec<UrgentRule> = {
  type: 'urgent',
  phase: () => 'answer',
  questions: (r) => [r.question],
  evaluate(r, env) {
    const v = env.answers[r.question];
    const picked = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
    const urgent = picked.filter((x) => !r.except.includes(x));
    return urgent.length > 0 ? { [r.question]: urgent } : null;
  },
  validate(r, def, path) {
    const out: FlowIssue[] = [];
    const node = questionRef(def, r.question, `${path}.question`, ['multi', 'single'], out);
    if (!node) return out;
    r.except.forEach((v, i) => {
      if (!(node.choices ?? []).some((c) => c.value === v)) {
        out.push(issue(`${path}.except[${i}]`, 'unknown_choice', `選択肢 ${v} がありません`, `No choice ${v}`));
      }
    });
    if (r.severity !== 'red') out.push(issue(`${path}.severity`, 'urgent_not_red', '緊急症状の規則は red にしてください', 'An urgent-symptom rule must be red'));
    return out;
  },
};
