import iconv from 'iconv-lite';

/** The headers of a line list as a Japanese health centre's Excel sheet has them. */
export const LINE_LIST_HEADER = ['事例番号', '氏名', 'フリガナ', '生年月日', '性別', '電話番号', '住所', '診断類型', '発症日', '検体採取日', '連絡方法'];

const ERAS: [string, string, number][] = [
  ['昭和', 'S', 1925],
  ['平成', 'H', 1988],
];
// Dashes Excel and IMEs put in numbers that Shift_JIS (CP932) can hold.
const DASHES = ['-', 'ー', '‐', '－', '―'];
const FAMILY = ['ヤマダ', 'スズキ', 'タナカ', 'サトウ', 'ワタナベ', 'イトウ', 'ナカムラ', 'コバヤシ'];
const KANJI = ['山田', '鈴木', '田中', '佐藤', '渡辺', '伊藤', '中村', '小林'];

/**
 * Row i of a generated line list (deterministic): era birth dates in several spellings,
 * phone numbers with the dashes IMEs produce, a mix of classifications and channels.
 * `bad` turns the row into one that must be refused, in the way named.
 */
export function lineListRow(i: number, prefix: string, bad?: 'date' | 'phone' | 'name'): string[] {
  const [eraName, eraKey, base] = ERAS[i % 2]!;
  const eraYear = 5 + (i % 25); // 平成 ends in its 31st year
  const month = 1 + (i % 12);
  const day = 1 + (i % 28);
  const birth = bad === 'date' ? `${eraName}${eraYear}年2月30日` : i % 3 === 0 ? `${eraName}${eraYear}年${month}月${day}日` : i % 3 === 1 ? `${eraKey}${eraYear}.${month}.${day}` : `${base + eraYear}/${month}/${day}`;
  const d = DASHES[i % DASHES.length]!;
  const digits = String(10_000_000 + i).slice(-8);
  const phone = bad === 'phone' ? '12-34' : i % 10 === 9 ? `03${d}${digits.slice(0, 4)}${d}${digits.slice(4)}` : `090${d}${digits.slice(0, 4)}${d}${digits.slice(4)}`;
  const f = i % FAMILY.length;
  const contact = i % 4 === 3;
  return [
    `${prefix}-${String(i).padStart(6, '0')}`,
    bad === 'name' ? '' : `${KANJI[f]} 太郎${i}`,
    `${FAMILY[f]} タロウ${i}`,
    birth,
    i % 2 ? '男' : '女',
    phone,
    `東京都港区芝${1 + (i % 5)}-${1 + (i % 9)}`,
    contact ? '濃厚接触者' : '患者（確定例）',
    contact ? '' : '2026/5/1',
    contact ? '' : '令和8年5月2日',
    i % 10 === 9 ? '電話' : i % 2 ? 'SMS' : 'LINE',
  ];
}

/** A CSV of `count` rows as Excel in Japan saves it: Shift_JIS (CP932), CRLF, quoted where needed. */
export function lineListCsv(count: number, opts: { prefix?: string; bad?: Record<number, 'date' | 'phone' | 'name'>; encoding?: 'cp932' | 'utf8' } = {}): Buffer {
  const q = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  const lines = [LINE_LIST_HEADER.map(q).join(',')];
  for (let i = 0; i < count; i++) lines.push(lineListRow(i, opts.prefix ?? 'IMP', opts.bad?.[i]).map(q).join(','));
  const text = `${lines.join('\r\n')}\r\n`;
  return opts.encoding === 'utf8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'cp932');
}
