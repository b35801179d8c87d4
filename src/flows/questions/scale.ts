import { issue } from '../definition/issues.js';
import { parseNumberAnswer } from '../normalisers/number.js';
import { TEXTS } from '../engine/texts.js';
import type { QuestionKindSpec } from './kind.js';

/**
 * A 0–10 scale (how bad is the cough, the fatigue). Whole numbers; min/max default to 0/10.
 *
 * Example: { "type": "question", "kind": "scale", "min": 0, "max": 10, "next": "end",
 *            "text": { "ja": "だるさは0〜10でどのくらい？", "en": "Fatigue from 0 to 10?" } }
 */
export const scaleKind: QuestionKindSpec = {
  kind: 'scale',
  expects: () => 'scale',
  choices: () => undefined,
  read(node, raw) {
    const r = parseNumberAnswer(raw, { min: node.min ?? 0, max: node.max ?? 10, precision: 1 });
    if (r.ok) return { ok: true, value: r.value };
    return { ok: false, reason: r.reason === 'empty' ? 'empty' : 'not_understood' };
  },
  hint: (node) => node.hint ?? TEXTS.hintScale,
  validate(node, path) {
    const min = node.min ?? 0;
    const max = node.max ?? 10;
    if (min >= max || max - min > 100) {
      return [issue(`${path}.max`, 'bad_range', '目盛りの範囲が正しくありません', 'The scale range is not valid')];
    }
    return [];
  },
};
