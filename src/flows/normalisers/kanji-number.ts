import { toHiragana } from './half-width.js';

/**
 * Kanji and spoken (kana) numerals → Arabic digits, so the number parser only ever sees
 * digits. Handles positional kanji (「三十七度五分」→「37度5分」), digit-by-digit kanji
 * (「三七・五」→「37.5」) and transcribed speech where feasible
 * (「さんじゅうななどごぶ」→「37度5分」, 「きゅうじゅうろく」→「96」). Text it cannot read is
 * returned unchanged; anything that is not a string gives ''. Never throws.
 *
 * Example: kanjiToArabic("三十七度五分") === "37度5分"; kanjiToArabic("さんじゅうななどご") === "37度5"
 */
export function kanjiToArabic(s: string): string {
  if (typeof s !== 'string') return ''; // webhook and job payloads are not typed at run time
  const spoken = kanaToKanji(s);
  return spoken
    .replace(/[〇零一二三四五六七八九十百千]+/g, (run) => String(readKanjiRun(run)))
    .replace(/(\d)\s*[点・。]\s*(\d)/g, '$1.$2');
}

const KANJI_DIGITS: Record<string, number> = {
  〇: 0, 零: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const KANJI_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

function readKanjiRun(run: string): number | string {
  const positional = /[十百千]/.test(run);
  if (!positional) return run.split('').map((c) => KANJI_DIGITS[c] ?? '').join('');
  let total = 0;
  let digit = 0;
  for (const c of run) {
    const unit = KANJI_UNITS[c];
    if (unit !== undefined) {
      total += (digit || 1) * unit;
      digit = 0;
    } else {
      digit = digit * 10 + (KANJI_DIGITS[c] ?? 0);
    }
  }
  return total + digit;
}

// Longest readings first so 「じゅう」 wins over 「じゅ」-like prefixes.
const KANA_TOKENS: [string, string][] = [
  ['ぱーせんと', '%'], ['じゅう', '十'], ['じゅっ', '十'], ['じっ', '十'],
  ['ひゃく', '百'], ['びゃく', '百'], ['ぴゃく', '百'], ['きゅう', '九'],
  ['ぜろ', '〇'], ['れい', '〇'], ['まる', '〇'], ['いち', '一'], ['いっ', '一'],
  ['さん', '三'], ['よん', '四'], ['ろく', '六'], ['ろっ', '六'], ['なな', '七'],
  ['しち', '七'], ['はち', '八'], ['はっ', '八'], ['てん', '点'],
  ['に', '二'], ['し', '四'], ['ご', '五'], ['く', '九'], ['ど', '度'], ['ぶ', '分'],
];
const KANA_LEADING = /^(たいおんは|たいおん|さんそほうわどは|だいたい|ちょうど|やく|およそ)/;
const KANA_TRAILING = /(です|でした|くらい|ぐらい|ほど|かな)+$/;

/** Reads a whole spoken answer such as 「さんじゅうななどごぶ」; anything else is left alone. */
function kanaToKanji(s: string): string {
  const h = toHiragana(s).replace(/[\s、,。]/g, '').replace(KANA_LEADING, '').replace(KANA_TRAILING, '');
  if (h.length === 0 || !/^[\u3041-\u3096ー]+$/.test(h)) return s;
  let out = '';
  let i = 0;
  while (i < h.length) {
    const hit = KANA_TOKENS.find(([kana]) => h.startsWith(kana, i));
    if (!hit) return s;
    out += hit[1];
    i += hit[0].length;
  }
  return out;
}
