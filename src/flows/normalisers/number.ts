import { toHalfWidth } from './half-width.js';
import { kanjiToArabic } from './kanji-number.js';

export interface NumberOptions {
  unit?: string;
  min?: number;
  max?: number;
  precision?: number;
  keypad?: 'temperature' | 'spo2' | 'pulse' | null;
}
export type NumberResult =
  | { ok: true; value: number }
  | { ok: false; reason: 'empty' | 'not_a_number' | 'out_of_range'; value?: number };

/**
 * Reads a number answer in every form people send it: 「３７．５」「37.5℃」「37,5」
 * 「37度5分」「37度5」「三十七度五分」「37度」「さんじゅうななどごぶ」「さんじゅうななどご」,
 * keypad digits on voice (「375」 or 「375#」 → 37.5 for temperature; 「37*5」 with * as the
 * decimal point). Rounds to `precision`, then checks [min, max]. Never throws.
 *
 * It never guesses by dropping digits: text with a second number (「37-5」「朝36.5 夜37.0」)
 * or a vague range (「36度後半」) is `not_a_number`, so the engine re-asks instead of
 * silently recording 37 or 36.
 *
 * Example: parseNumberAnswer("37度5分", { min: 34, max: 42, precision: 0.1 }) → { ok: true, value: 37.5 }
 */
export function parseNumberAnswer(raw: string, opts: NumberOptions): NumberResult {
  try {
    return parse(raw, opts);
  } catch {
    return { ok: false, reason: 'not_a_number' };
  }
}

function parse(raw: string, opts: NumberOptions): NumberResult {
  let s = kanjiToArabic(toHalfWidth(String(raw ?? '')).normalize('NFKC')).trim();
  if (s === '' || /^[#*\s]+$/.test(s)) return { ok: false, reason: 'empty' };
  s = s.replace(/sp\s*o\s*2/gi, '').replace(/#+$/, '').replace(/^(\d+)\*(\d+)$/, '$1.$2'); // keypad: * is the decimal point
  if (/^\d(\s\d)+$/.test(s)) s = s.replace(/\s/g, ''); // speech: 「3 7 5」
  if (VAGUE.test(s)) return { ok: false, reason: 'not_a_number' };
  s = s
    .replace(/(\d+)\s*度\s*(\d)(?:\s*分|(?!\d))/, '$1.$2 ') // 37度5分, and 37度5 with 分 left out (the space keeps a stray digit after it separate)
    .replace(/(\d+),(\d{1,2})(?!\d)/, '$1.$2') // 37,5 (decimal comma)
    .replace(/(\d)\s*\.\s*(\d)/, '$1.$2')
    .replace(/(^|[^\d.])1\s*分間?(に|で|あたり)?/, '$1') // 「1分間に72回」: the per-minute is the unit, not a number
    .replace(/\d+\s*回目(は|が|の)?/, ''); // 「2回目は97」
  const numbers = s.match(/\d+(?:\.\d+)?/g) ?? [];
  if (numbers.length !== 1) return { ok: false, reason: 'not_a_number' };
  const m = numbers as [string];
  let value = Number(m[0]);
  if (!Number.isFinite(value)) return { ok: false, reason: 'not_a_number' };
  value = applyKeypad(m[0], value, opts);
  if (opts.precision && opts.precision > 0) value = roundTo(value, opts.precision);
  if ((opts.min !== undefined && value < opts.min) || (opts.max !== undefined && value > opts.max)) {
    return { ok: false, reason: 'out_of_range', value };
  }
  return { ok: true, value };
}

// 「36度後半」「37度台」「37度前後」: a range, not a reading.
const VAGUE = /後半|前半|台|前後|以上|以下|未満/;

/** 「375」 is never a body temperature, so three bare digits in 340–429 mean 37.5 (voice keypad, feature phones). */
function applyKeypad(text: string, value: number, opts: NumberOptions): number {
  if (opts.keypad === 'temperature' && /^\d{3}$/.test(text) && value >= 340 && value <= 429) return value / 10;
  return value;
}

// toFixed throws past 100 digits; a definition may carry any positive precision, and no reading has 20 decimals.
const decimalsOf = (precision: number) => Math.min(20, Math.max(0, Math.ceil(-Math.log10(precision) - 1e-9)));

export function roundTo(value: number, precision: number): number {
  const decimals = decimalsOf(precision);
  return Number((Math.round(value / precision) * precision).toFixed(decimals));
}

/** Formats a number the way the engine shows it back (confirmations, transcripts). */
export function formatNumber(value: number, precision?: number): string {
  if (!precision || precision >= 1) return String(Math.round(value));
  return value.toFixed(decimalsOf(precision));
}
