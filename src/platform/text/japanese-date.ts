/**
 * Dates as health centres type them in line lists, to ISO (YYYY-MM-DD): Western
 * (1948/4/1, 1948-04-01, 1948.4.1, 1948年4月1日, 19480401) and Japanese era forms
 * (昭和23年4月1日, S23.4.1, S23/4/1, 令和元年5月1日, R1.5.1, ㍼23.4.1), in full-width or
 * half-width digits. A date that does not exist (2月30日) or lies outside its era
 * (平成31年5月1日: already 令和) is refused, never rolled over.
 * @example parseJapaneseDate('昭和２３年４月１日') // → '1948-04-01'
 */

/** The eras since 明治, with the first day of each (the day before is the previous era's last). */
export const ERAS = [
  { key: 'M', name: '明治', start: '1868-01-25' },
  { key: 'T', name: '大正', start: '1912-07-30' },
  { key: 'S', name: '昭和', start: '1926-12-25' },
  { key: 'H', name: '平成', start: '1989-01-08' },
  { key: 'R', name: '令和', start: '2019-05-01' },
] as const;
export type EraKey = (typeof ERAS)[number]['key'];

const ERA_BY_TOKEN = new Map<string, number>(ERAS.flatMap((e, i) => [[e.key, i], [e.key.toLowerCase(), i], [e.name, i]] as [string, number][]));

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The ISO date if y-m-d exists in the Gregorian calendar, else null. */
export function isoIfValid(y: number, m: number, d: number): string | null {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return null;
  if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1) return null;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** Full-width digits and letters to half-width, ㍼ to 昭和, spaces out, every dash to '-'. */
function normalise(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/[\s]/g, '')
    .replace(/[‐‑‒–—―−ー－]/g, '-');
}

const WESTERN = [
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/,
  /^(\d{4})年(\d{1,2})月(\d{1,2})日?$/,
  /^(\d{4})(\d{2})(\d{2})$/,
];
// 昭和23年4月1日, S23.4.1, S23/4/1, S23-4-1, 令和元年5月1日, R元.5.1
const ERA_FORM = [/^(明治|大正|昭和|平成|令和|[MTSHRmtshr])(\d{1,2}|元)年(\d{1,2})月(\d{1,2})日?$/, /^(明治|大正|昭和|平成|令和|[MTSHRmtshr])(\d{1,2}|元)[-/.](\d{1,2})[-/.](\d{1,2})$/];

/** The ISO date, or null when the text is not a date this parser knows (empty text: null). */
export function parseJapaneseDate(raw: string): string | null {
  const s = normalise(raw);
  if (!s) return null;
  for (const re of WESTERN) {
    const m = re.exec(s);
    if (m) return isoIfValid(Number(m[1]), Number(m[2]), Number(m[3]));
  }
  for (const re of ERA_FORM) {
    const m = re.exec(s);
    if (!m) continue;
    const index = ERA_BY_TOKEN.get(m[1]!);
    if (index === undefined) return null;
    const eraYear = m[2] === '元' ? 1 : Number(m[2]);
    if (eraYear < 1) return null;
    const era = ERAS[index]!;
    const iso = isoIfValid(Number(era.start.slice(0, 4)) + eraYear - 1, Number(m[3]), Number(m[4]));
    if (!iso || iso < era.start) return null;
    const next = ERAS[index + 1];
    if (next && iso >= next.start) return null;
    return iso;
  }
  return null;
}

/** The era and era year of an ISO date (for tests and for showing dates the Japanese way). */
export function eraOf(iso: string): { key: EraKey; name: string; year: number } | null {
  for (let i = ERAS.length - 1; i >= 0; i--) {
    const e = ERAS[i]!;
    if (iso >= e.start) return { key: e.key, name: e.name, year: Number(iso.slice(0, 4)) - Number(e.start.slice(0, 4)) + 1 };
  }
  return null;
}
