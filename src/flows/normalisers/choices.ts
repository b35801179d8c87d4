import { foldLabel, foldText } from './half-width.js';
import { kanjiToArabic } from './kanji-number.js';
import { spotChoices } from './spot-choices.js';
import { parseYesNo } from './yes-no.js';

export interface ChoiceOption {
  value: string;
  label: string;
  /** Added: other words that mean this choice (the other language's label, 「せき」, word stems 「息苦し」 …). */
  aliases?: string[];
}

/**
 * Choices by number or by label: 「1 3」「1、3」「1,3」, keypad 「13」 on voice (when every
 * choice has a one-digit number), 「咳と鼻水」, natural phrasing built from a label or alias
 * (「肩で息をしています」「急に息苦しい」「脈が乱れる」, see spot-choices.ts), or the value
 * itself (a postback). Returns the chosen values in list order, or null when any part
 * cannot be matched (so nothing is guessed), a symptom is denied (「胸の痛みはない」), or a
 * single choice gets more than one. Never throws.
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

/** 「胸の痛みはない」: one named choice denied — not the same as 「なし」 for the whole list. */
export function deniesChoice(raw: string, choices: ChoiceOption[]): boolean {
  try {
    return spotChoices(foldLabel(kanjiToArabic(foldText(String(raw ?? '')))), choices) === 'denied';
  } catch {
    return false;
  }
}

const SEPARATORS = /[\s、,，・/／;と&や]+|\band\b/;

function read(raw: string, choices: ChoiceOption[]): Set<string> | null {
  const s = kanjiToArabic(foldText(raw)).replace(/#$/, '').trim();
  if (s === '') return null;
  const byNumber = readNumbers(s, choices);
  if (byNumber) return byNumber;
  const exact = matchOne(foldLabel(s), choices, false);
  if (exact) return new Set([exact]);
  const spotted = spotChoices(foldLabel(s), choices);
  if (spotted === 'denied') return null;
  if (spotted) return spotted;
  // 「わからない」「ないかも」 contain ない but are not 「なし」: unless a choice says so, it is no choice.
  if (parseYesNo(raw, true) === 'unknown') return null;
  const parts = s.split(SEPARATORS).map(foldLabel).filter((p) => p !== '' && p !== 'です');
  const hits = parts.map((p) => (/^\d+$/.test(p) ? choices[Number(p) - 1]?.value : matchOne(p, choices, true)));
  if (hits.length > 0 && hits.every((h) => h !== undefined)) return new Set(hits as string[]);
  // A label may itself contain a separator (「いつもと違う」): try the whole text as one part.
  const whole = matchOne(foldLabel(s), choices, true);
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

// The folded names of each choice, once per options array (questions/choice-common.ts builds
// one per question, language and channel): an urgent item has a dozen aliases.
const namesCache = new WeakMap<ChoiceOption[], string[][]>();
function namesOf(choices: ChoiceOption[]): string[][] {
  let names = namesCache.get(choices);
  if (!names) {
    names = choices.map((c) => [c.label, c.value, ...(c.aliases ?? [])].map(foldLabel).filter((n) => n !== ''));
    namesCache.set(choices, names);
  }
  return names;
}

/** Exact label/alias/value first, then a unique partial match (「紫」 → 唇が紫色). */
function matchOne(part: string, choices: ChoiceOption[], loose: boolean): string | undefined {
  const names = namesOf(choices);
  const exact = choices.findIndex((_, i) => names[i]!.includes(part));
  if (exact >= 0) return choices[exact]!.value;
  if (!loose || part.length < 2) return undefined;
  const partial = choices.filter((_, i) => names[i]!.some((n) => n.includes(part) || (n.length >= 2 && part.includes(n))));
  return partial.length === 1 ? partial[0]?.value : undefined;
}
