import { issue } from '../definition/issues.js';
import { TEXTS } from '../engine/texts.js';
import { validateChoices } from './choice-common.js';
import type { QuestionKindSpec } from './kind.js';

/**
 * A group of yes/no symptom questions asked as one: 「今日、次のような症状はありますか？」
 * → [どれもない] [ある]; 「ある」 then asks which (buttons, checkboxes, numbers or keys).
 * Each choice's value names a member question of the flow; `exclusive` is the 「どれもない」
 * choice. Every member is recorded as its own yes/no answer — picked yes, the others no —
 * so rules and statistics are the same as when each is asked alone. The two steps are
 * run by engine/gate.ts; this file only says how the group is described and checked.
 *
 * Example: { "type": "question", "kind": "group", "exclusive": "none", "next": "urgent",
 *            "text": { "ja": "今日、次の症状はありますか？ 咳・鼻水／のどの痛み", "en": "Any of these today? …" },
 *            "choices": [ { "value": "cough", "label": { "ja": "咳・鼻水", "en": "Cough, runny nose" } },
 *                         { "value": "sore_throat", "label": { "ja": "のどの痛み", "en": "Sore throat" } },
 *                         { "value": "none", "label": { "ja": "どれもない", "en": "None of these" } } ] }
 */
export const groupKind: QuestionKindSpec = {
  kind: 'group',
  // Never used directly: engine/gate.ts builds the message of the step the group is at.
  expects: () => 'single',
  choices: () => undefined,
  read: () => ({ ok: false, reason: 'not_understood' }),
  hint: (node) => node.hint ?? TEXTS.hintMulti,
  validate(node, path) {
    const out = validateChoices(node, path);
    if (!node.exclusive) out.push(issue(`${path}.exclusive`, 'missing_none', '「どれもない」の選択肢（exclusive）が必要です', 'A group needs its "none of these" choice (exclusive)'));
    return out;
  },
};
