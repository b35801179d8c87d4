import { parseChoices } from '../normalisers/choices.js';
import { TEXTS } from '../engine/texts.js';
import { optionsFor, validateChoices } from './choice-common.js';
import type { QuestionKindSpec } from './kind.js';

/**
 * One choice, by number (「2」), by label (「少し」) or by postback value. Stored as the value.
 *
 * Example: { "type": "question", "kind": "single", "next": "end",
 *            "text": { "ja": "今どこにいますか？", "en": "Where are you now?" },
 *            "choices": [ { "value": "home", "label": { "ja": "自宅", "en": "Home" } },
 *                         { "value": "hotel", "label": { "ja": "宿泊療養施設", "en": "Hotel" } } ] }
 */
export const singleKind: QuestionKindSpec = {
  kind: 'single',
  expects: () => 'single',
  choices: (node, ctx) => optionsFor(node, ctx).map(({ value, label }) => ({ value, label })),
  read(node, raw, _input, ctx) {
    const v = parseChoices(raw, optionsFor(node, ctx), false);
    if (!v || v[0] === undefined) return { ok: false, reason: raw.trim() === '' ? 'empty' : 'not_understood' };
    return { ok: true, value: v[0] };
  },
  hint: (node) => node.hint ?? TEXTS.hintSingle,
  validate: (node, path) => validateChoices(node, path),
};
