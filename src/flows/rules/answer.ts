import { issue, type FlowIssue } from '../definition/issues.js';
import type { RuleDef } from '../definition/schema.js';
import { questionRef, type RuleKindSpec } from './kind.js';

type AnswerRule = Extract<RuleDef, { type: 'answer' }>;

/**
 * A particular answer: 息苦しさ = yes, 食事・水分がとれない = yes, 「わからない」 itself
 * (`anyOf: ["unknown"]`), or no readable answer at all (`null`: re-asked twice and still not
 * understood, or silence on voice). For a checklist, any picked item in `anyOf` fires it.
 * A red-symptom question names 'unknown' and null in an amber rule, so an uncertain or
 * unreadable answer is reviewed by a nurse instead of passing as "no".
 *
 * Example: { "id": "breathless", "type": "answer", "question": "breathless", "anyOf": [true],
 *            "severity": "red", "callNow": true,
 *            "reason": { "ja": "息苦しさがある", "en": "Short of breath" } }
 */
export const answerRule: RuleKindSpec<AnswerRule> = {
  type: 'answer',
  phase: () => 'answer',
  questions: (r) => [r.question],
  evaluate(r, env) {
    const v = env.answers[r.question];
    if (v === undefined) return null;
    if (v === null) return r.anyOf.includes(null) ? { [r.question]: null } : null;
    const hit = Array.isArray(v) ? v.some((x) => r.anyOf.includes(x)) : r.anyOf.includes(v);
    return hit ? { [r.question]: v } : null;
  },
  numbers: (r, q) => (r.question === q ? r.anyOf.filter((v): v is number => typeof v === 'number') : []),
  validate(r, def, path) {
    const out: FlowIssue[] = [];
    const node = questionRef(def, r.question, `${path}.question`, ['yes_no', 'single', 'multi', 'number', 'scale'], out);
    if (!node) return out;
    r.anyOf.forEach((v, i) => {
      const p = `${path}.anyOf[${i}]`;
      if (v === null) return; // unanswered: possible for every question
      if (node.kind === 'yes_no' && v !== true && v !== false && !(v === 'unknown' && node.allowUnknown)) {
        out.push(issue(p, 'impossible_answer', `質問 ${r.question} は ${String(v)} と答えられません`, `Question ${r.question} cannot be answered ${String(v)}`));
      }
      if ((node.kind === 'single' || node.kind === 'multi') && !(node.choices ?? []).some((c) => c.value === v)) {
        out.push(issue(p, 'unknown_choice', `選択肢 ${String(v)} がありません`, `No choice ${String(v)}`));
      }
    });
    return out;
  },
};
