import { foldText, toHiragana } from './half-width.js';
import { kanjiToArabic } from './kanji-number.js';

export interface ChoiceOption {
  value: string;
  label: string;
  /** Added: other words that mean this choice (the other language's label, 「せき」 …). */
  aliases?: string[];
}

/**
 * Choices by number or by label: 「1 3」「1、3」「1,3」, keypad 「13」 on voice (when every
 * choice has a one-digit number), 「咳と鼻水」, or the value itself (a postback). Returns the
 * chosen values in list order, or null when any part cannot be matched (so nothing is
 * guessed) or a single choice gets more than one. Never throws.
 *
 * Example: parseChoices("咳と鼻水", [{value:"cough",label:"咳"},{value:"nose",label:"鼻水"}], true) → ["cough","nose"]
 */
export function parseChoices(raw: string, choices: ChoiceOption[], multi: boolean): string[] | null {
  try {
    const picked = read(String(raw ?? ''), choices);
    if (!picked || picked.size === 0) return null;
    if (!multi && picked.size > 1) return null;
    return choices.filter((c) => picked.has(c.value)).map((c) => c.value);
  } catch {
    return null;
  }
}

// Labels are folded on every answer; the same few hundred labels recur, so results are memoised (bounded).
const folded = new Map<string, string>();
function fold(s: string): string {
  const hit = folded.get(s);
  if (hit !== undefined) return hit;
  const out = toHiragana(foldText(s)).replace(/[\s。!！?？]/g, '');
  if (folded.size > 5_000) folded.clear();
  folded.set(s, out);
  return out;
}
const SEPARATORS = /[\s、,，・/／;と&や]+|\band\b/;

function read(raw: string, choices: ChoiceOption[]): Set<string> | null {
  const s = kanjiToArabic(foldText(raw)).replace(/#$/, '').trim();
  if (s === '') return null;
  const byNumber = readNumbers(s, choices);
  if (byNumber) return byNumber;
  const exact = matchOne(fold(s), choices, false);
  if (exact) return new Set([exact]);
  const parts = s.split(SEPARATORS).map(fold).filter((p) => p !== '' && p !== 'です');
  const hits = parts.map((p) => (/^\d+$/.test(p) ? choices[Number(p) - 1]?.value : matchOne(p, choices, true)));
  if (hits.length > 0 && hits.every((h) => h !== undefined)) return new Set(hits as string[]);
  // A label may itself contain a separator (「いつもと違う」): try the whole text as one part.
  const whole = matchOne(fold(s), choices, true);
  return whole ? new Set([whole]) : null;
}

/** 「1 3」「1、3」, or keypad 「13」 when no choice number has two digits. */
function readNumbers(s: string, choices: ChoiceOption[]): Set<string> | null {
  if (!/^\d+([\s、,，・]+\d+)*$/.test(s)) return null;
  const parts = s.split(/[\s、,，・]+/);
  const numbers =
    parts.length === 1 && choices.length <= 9 && s.length > 1 ? s.split('').map(Number) : parts.map(Number);
  const out = new Set<string>();
  for (const n of numbers) {
    const c = choices[n - 1];
    if (!c) return null;
    out.add(c.value);
  }
  return out;
}

/** Exact label/alias/value first, then a unique partial match (「紫」 → 唇が紫色). */
function matchOne(part: string, choices: ChoiceOption[], loose: boolean): string | undefined {
  const names = (c: ChoiceOption) => [c.label, c.value, ...(c.aliases ?? [])].map(fold).filter((n) => n !== '');
  const exact = choices.find((c) => names(c).includes(part));
  if (exact) return exact.value;
  if (!loose || part.length < 2) return undefined;
  const partial = choices.filter((c) => names(c).some((n) => n.includes(part) || (n.length >= 2 && part.includes(n))));
  return partial.length === 1 ? partial[0]?.value : undefined;
}
