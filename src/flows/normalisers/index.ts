/**
 * The answer normalisers, one per file, also used by the channel adapters. Every one
 * is total: any string in, a value or a "could not read" out, never an exception.
 */
export { toHalfWidth, foldText, toHiragana } from './half-width.js';
export { kanjiToArabic } from './kanji-number.js';
export { parseNumberAnswer, formatNumber, roundTo, type NumberOptions, type NumberResult } from './number.js';
export { parseYesNo } from './yes-no.js';
export { parseChoices, deniesChoice, type ChoiceOption } from './choices.js';
