import { issue } from '../definition/issues.js';
import { parseNumberAnswer, type NumberOptions } from '../normalisers/number.js';
import type { QuestionNode } from '../definition/schema.js';
import { TEXTS } from '../engine/texts.js';
import type { QuestionKindSpec } from './kind.js';

/**
 * A measured number with unit, plausible range and precision. A value outside [min, max]
 * is implausible (45 ℃, SpO2 120 %) and re-asked; `confirm` marks the borderline critical
 * band (SpO2 ≤ 93) that is read back before it is recorded.
 *
 * Example: { "type": "question", "kind": "number", "unit": "%", "min": 70, "max": 100,
 *            "precision": 1, "keypad": "spo2", "confirm": { "lte": 93 }, "next": "pulse",
 *            "text": { "ja": "SpO2（酸素飽和度）は？", "en": "Your SpO2?" } }
 */
export const numberKind: QuestionKindSpec = {
  kind: 'number',
  expects: () => 'number',
  choices: () => undefined,
  read(node, raw) {
    const r = parseNumberAnswer(raw, numberOptionsOf(node));
    if (r.ok) return { ok: true, value: r.value };
    if (r.reason === 'out_of_range') return { ok: false, reason: 'out_of_range', value: r.value };
    return { ok: false, reason: r.reason === 'empty' ? 'empty' : 'not_understood' };
  },
  hint: (node, _ctx, failed) => node.hint ?? (!failed.ok && failed.reason === 'out_of_range' ? TEXTS.hintImplausible : TEXTS.hintNumber),
  validate(node, path) {
    const out = [];
    if (node.min === undefined || node.max === undefined) {
      out.push(issue(`${path}.min`, 'missing_range', '数値の質問には min と max が必要です', 'A number question needs min and max'));
    } else if (node.min >= node.max) {
      out.push(issue(`${path}.max`, 'bad_range', 'max は min より大きくしてください', 'max must be greater than min'));
    }
    if (!node.unit) out.push(issue(`${path}.unit`, 'missing_unit', '単位がありません', 'The unit is missing'));
    return out;
  },
};

/** The options a number question's answer is read with (here, and by a door's typed-red hint). */
export const numberOptionsOf = (node: QuestionNode): NumberOptions => ({ unit: node.unit, min: node.min, max: node.max, precision: node.precision, keypad: node.keypad ?? null });
