/**
 * Full-width → half-width for digits, Latin letters and ASCII punctuation, plus the
 * ideographic space, and Devanagari and Thai digits to 0–9. People on Japanese keyboards type 「３７．５」 or 「３７，５」 as often
 * as "37.5"; every other normaliser starts here. Never throws.
 *
 * Example: toHalfWidth("３７．５℃") === "37.5℃"
 */
export function toHalfWidth(s: string): string {
  if (typeof s !== 'string') return '';
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCodePoint(c - 0xfee0);
    else if (c === 0x3000) out += ' ';
    else if (ch === '−') out += '-'; // U+2212 minus sign from IMEs
    else if (c >= 0x0966 && c <= 0x096f) out += String(c - 0x0966); // Devanagari digits (Nepali): ३७.५
    else if (c >= 0x0e50 && c <= 0x0e59) out += String(c - 0x0e50); // Thai digits: ๓๗.๕
    else out += ch;
  }
  return out;
}

/** Half-width, trimmed, lower-cased, inner whitespace collapsed: the key used to compare words. */
export function foldText(s: string): string {
  return toHalfWidth(s).normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Katakana → hiragana, so 「ハイ」 and 「はい」 compare equal and speech in either script reads the same. */
export function toHiragana(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    out += c >= 0x30a1 && c <= 0x30f6 ? String.fromCodePoint(c - 0x60) : ch;
  }
  return out;
}

// Labels are folded on every answer; the same few hundred labels recur, so results are memoised (bounded).
const folded = new Map<string, string>();

/** The key choice labels and answers are compared on: folded, hiragana, without spaces or 。!?. */
export function foldLabel(s: string): string {
  const hit = folded.get(s);
  if (hit !== undefined) return hit;
  const out = toHiragana(foldText(s)).replace(/[\s。!！?？]/g, '');
  if (folded.size > 5_000) folded.clear();
  folded.set(s, out);
  return out;
}
