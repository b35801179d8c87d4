import { TEXTS } from '../engine/texts.js';
import type { QuestionKindSpec } from './kind.js';

/**
 * Free text (a comment for the nurse). Kept as sent, cut at `maxLength` (default 500).
 * On voice a lone 「#」 means "nothing to say". Usually `optional`, so silence moves on.
 *
 * Example: { "type": "question", "kind": "text", "optional": true, "next": "end",
 *            "text": { "ja": "保健所に伝えたいことがあれば書いてください。", "en": "Anything to tell the health centre?" } }
 */
export const textKind: QuestionKindSpec = {
  kind: 'text',
  expects: () => 'text',
  choices: () => undefined,
  read(node, raw) {
    const s = raw.trim();
    if (s === '' || /^[#*]+$/.test(s)) return { ok: false, reason: 'empty' };
    return { ok: true, value: s.slice(0, node.maxLength ?? 500) };
  },
  hint: (node) => node.hint ?? TEXTS.hintText,
  validate: () => [],
};
