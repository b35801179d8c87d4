import { deniesChoice, parseChoices } from '../normalisers/choices.js';
import { parseYesNo } from '../normalisers/yes-no.js';
import { toHalfWidth } from '../normalisers/half-width.js';
import { kanjiToArabic } from '../normalisers/kanji-number.js';
import { pickText } from '../text.js';
import { TEXTS } from '../engine/texts.js';
import { isCollapsed, optionsFor, validateChoices } from './choice-common.js';
import type { QuestionKindSpec } from './kind.js';

/**
 * Every choice that applies (a symptom checklist), by numbers (「1 3」「1、3」), labels
 * (「咳と鼻水」) or postback values. Stored as string[] in the definition's order.
 * `exclusive` (「なし」) is dropped when real symptoms are picked with it — a symptom
 * must never be lost to a slip of the thumb. `collapse` asks it as one yes/no on the
 * listed channels (voice), recording `collapse.yes` or `collapse.no` — or the items themselves
 * when the caller names them (「脈が乱れる」).
 *
 * Example: { "type": "question", "kind": "multi", "exclusive": "none", "next": "comment",
 *            "collapse": { "channels": ["voice"], "yes": "some", "no": "none" },
 *            "text": { "ja": "当てはまる症状は？", "en": "Any of these?" },
 *            "choices": [ { "value": "lips_purple", "label": { "ja": "唇が紫色", "en": "Purple lips" } },
 *                         { "value": "none", "label": { "ja": "なし", "en": "None" } } ] }
 */
export const multiKind: QuestionKindSpec = {
  kind: 'multi',
  expects: (node, ctx) => (isCollapsed(node, ctx) ? 'yes_no' : 'multi'),
  choices(node, ctx) {
    if (!isCollapsed(node, ctx)) return optionsFor(node, ctx).map(({ value, label }) => ({ value, label }));
    return [
      { value: 'yes', label: pickText(TEXTS.yes, ctx.lang, ctx.channel) },
      { value: 'no', label: pickText(TEXTS.no, ctx.lang, ctx.channel) },
    ];
  },
  read(node, raw, _input, ctx) {
    const empty = raw.trim() === '';
    if (isCollapsed(node, ctx) && node.collapse) {
      const yn = parseYesNo(raw, false);
      if (yn !== null) return { ok: true, value: [yn === 'yes' ? node.collapse.yes : node.collapse.no] };
      // A caller who names a symptom (「胸が痛いです」) instead of saying yes has answered: keep which one.
      // Words only: keys here mean yes/no, and the list's numbers were never read out.
      const named = /\d/.test(kanjiToArabic(toHalfWidth(raw))) ? null : parseChoices(raw, optionsFor(node, ctx), true)?.filter((v) => v !== node.collapse?.no);
      if (named && named.length > 0) return { ok: true, value: named };
      return { ok: false, reason: empty ? 'empty' : 'not_understood' };
    }
    const options = optionsFor(node, ctx);
    let v = parseChoices(raw, options, true);
    // 「いいえ」「ありません」 to a checklist means its 「なし」; 「胸の痛みはない」 denies one item only: re-asked.
    if (!v && node.exclusive && parseYesNo(raw, false) === 'no' && !deniesChoice(raw, options)) v = [node.exclusive];
    if (!v) return { ok: false, reason: empty ? 'empty' : 'not_understood' };
    if (node.exclusive && v.length > 1) v = v.filter((x) => x !== node.exclusive);
    return { ok: true, value: v };
  },
  hint: (node, ctx) => node.hint ?? (isCollapsed(node, ctx) ? TEXTS.hintYesNo : TEXTS.hintMulti),
  validate: (node, path) => validateChoices(node, path),
};
