import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

// ぁ (U+3041) … ゖ (U+3096) and their katakana ァ (U+30A1) … ヶ (U+30F6): the same offset.
const HIRAGANA = Array.from({ length: 0x3096 - 0x3041 + 1 }, (_, i) => String.fromCodePoint(0x3041 + i)).join('');
const KATAKANA = Array.from({ length: 0x3096 - 0x3041 + 1 }, (_, i) => String.fromCodePoint(0x30a1 + i)).join('');

/**
 * How names are compared when searching: NFKC (full-width letters and digits to
 * half-width, half-width katakana to full-width), hiragana to katakana, no spaces, lower
 * case. 「やまだ たろう」, 「ﾔﾏﾀﾞﾀﾛｳ」 and 「ヤマダ　タロウ」 all fold to 「ヤマダタロウ」.
 */
export function foldName(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u3041-\u3096]/g, (ch) => String.fromCodePoint(ch.codePointAt(0)! + 0x60))
    .replace(/\s+/g, '')
    .toLowerCase();
}

/** The same folding in SQL, for a text column (PostgreSQL ≥ 13 and PGlite have normalize()). */
export function foldedColumn(column: PgColumn): SQL {
  return sql`lower(replace(translate(normalize(coalesce(${column}, ''), NFKC), ${HIRAGANA}, ${KATAKANA}), ' ', ''))`;
}

/** A LIKE pattern with %, _ and \ taken literally, around the term. */
export const containsPattern = (term: string) => `%${term.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

/**
 * A LIKE pattern on E.164 numbers for part of a phone number as staff type it: the last
 * four digits (「5678」), the start in domestic form (「090-1234」 → +8190 1234…), the
 * whole number in any width and with any hyphens, or an E.164 prefix. Null when the
 * query has fewer than four digits or is not a phone number at all.
 */
export function phonePattern(query: string): string | null {
  const s = query.normalize('NFKC').replace(/[\s\-‐－ー()（）]/g, '');
  if (!/^\+?\d{4,15}$/.test(s)) return null;
  if (s.startsWith('+')) return `${s}%`;
  if (s.startsWith('0')) return `+81${s.slice(1)}%`;
  return `%${s}%`;
}
