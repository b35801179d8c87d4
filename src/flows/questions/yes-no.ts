import { parseYesNo } from '../normalisers/yes-no.js';
import { pickText } from '../text.js';
import { TEXTS } from '../engine/texts.js';
import type { QuestionKindSpec } from './kind.js';

/**
 * はい / いいえ (/ わからない when `allowUnknown`). Stored as true / false / 'unknown':
 * 「わからない」 is its own answer, never counted as no.
 *
 * Example: { "type": "question", "kind": "yes_no", "allowUnknown": true, "next": "fatigue",
 *            "text": { "ja": "息苦しさはありますか？", "en": "Are you short of breath?" } }
 */
export const yesNoKind: QuestionKindSpec = {
  kind: 'yes_no',
  expects: (node) => (node.allowUnknown ? 'yes_no_unknown' : 'yes_no'),
  choices(node, ctx) {
    const label = (t: (typeof TEXTS)['yes']) => pickText(t, ctx.lang, ctx.channel);
    const out = [
      { value: 'yes', label: label(TEXTS.yes) },
      { value: 'no', label: label(TEXTS.no) },
    ];
    if (node.allowUnknown) out.push({ value: 'unknown', label: label(TEXTS.unknown) });
    return out;
  },
  read(node, raw) {
    const v = parseYesNo(raw, node.allowUnknown === true);
    if (v === null) return { ok: false, reason: raw.trim() === '' ? 'empty' : 'not_understood' };
    return { ok: true, value: v === 'unknown' ? 'unknown' : v === 'yes' };
  },
  hint: (node) => node.hint ?? (node.allowUnknown ? TEXTS.hintYesNoUnknown : TEXTS.hintYesNo),
  validate: () => [],
};
