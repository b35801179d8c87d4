import { TEXTS } from '../engine/texts.js';
import { toHalfWidth } from '../normalisers/half-width.js';
import { pickText } from '../text.js';
import type { QuestionKindSpec } from './kind.js';

/** 「なし」 and its kin mean "nothing to say": no comment is stored, rather than the word. */
const NOTHING = new RegExp(
  '^(なし|無し|ナシ|ない|無い|ありません|特になし|特に無し|特にない|特にありません|とくになし|とくにない|none|no|nothing|n/a' +
    // the other patient languages' "nothing": 没有 / 无, 없음, không (có), nada / nenhum, ninguno, wala, छैन, tidak ada, ไม่มี
    '|没有|无|沒有|없음|없어요|없습니다|không|không có|khong|khong co|nada|nenhum|nenhuma|ninguno|nada más|wala|wala po|छैन|केही छैन|tidak ada|tidak|ไม่มี|ไม่)[。.!！]*$',
  'i',
);
const NONE_VALUE = 'none';

/**
 * Free text (a comment for the nurse). Kept as sent, cut at `maxLength` (default 500).
 * 「なし」 (or a LINE 「なし」 button, a lone 「#」 on voice) means "nothing to say". Usually
 * `optional`, so silence moves on. On LINE an optional question gets a 「なし」 button: one
 * touch instead of typing.
 *
 * Example: { "type": "question", "kind": "text", "optional": true, "next": "end",
 *            "text": { "ja": "保健所に伝えたいことがあれば書いてください。", "en": "Anything to tell the health centre?" } }
 */
export const textKind: QuestionKindSpec = {
  kind: 'text',
  expects: () => 'text',
  choices: (node, ctx) => (node.optional && ctx.channel === 'line' ? [{ value: NONE_VALUE, label: pickText(TEXTS.none, ctx.lang, ctx.channel) }] : undefined),
  read(node, raw, input) {
    const s = raw.trim();
    const pressedNone = input.type === 'choice' && input.value === NONE_VALUE;
    if (s === '' || pressedNone || /^[#*]+$/.test(s) || NOTHING.test(toHalfWidth(s))) return { ok: false, reason: 'empty' };
    return { ok: true, value: s.slice(0, node.maxLength ?? 500) };
  },
  hint: (node) => node.hint ?? TEXTS.hintText,
  validate: () => [],
};
