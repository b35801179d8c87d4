import { foldText, toHiragana } from './half-width.js';

/**
 * Yes / no / don't-know in the many ways people say them: はい/いいえ/うん/ううん/ある/ない/
 * なし/あります/ありません/yes/no/y/n, keypad 1/2/3, 「少しある」 (yes — a mild symptom is
 * still a symptom), 「わからない」 (unknown, never no). Returns null when it cannot tell, so
 * the engine can re-ask. Never throws.
 *
 * Example: parseYesNo("少しある", true) === "yes"; parseYesNo("わからない", false) === null
 */
export function parseYesNo(raw: string, allowUnknown: boolean): 'yes' | 'no' | 'unknown' | null {
  try {
    const v = read(raw);
    if (v === 'unknown' && !allowUnknown) return null;
    return v;
  } catch {
    return null;
  }
}

const EXACT: Record<string, 'yes' | 'no' | 'unknown'> = {
  '1': 'yes', '2': 'no', '3': 'unknown', y: 'yes', yes: 'yes', yeah: 'yes', yep: 'yes', ok: 'yes',
  n: 'no', no: 'no', nope: 'no', '?': 'unknown', '？': 'unknown', unknown: 'unknown', idk: 'unknown',
  '○': 'yes', '〇': 'yes', o: 'yes', '×': 'no', x: 'no', '有': 'yes', '無': 'no',
  'はい': 'yes', 'うん': 'yes', 'ええ': 'yes', 'ある': 'yes', 'あり': 'yes', 'そう': 'yes',
  'いいえ': 'no', 'いえ': 'no', 'いや': 'no', 'ううん': 'no', 'ない': 'no', 'なし': 'no',
};

// Order matters: 「わからない」 contains ない and 「ありません」 contains あり.
const UNKNOWN = [/わから/, /わかりませ/, /分かりませ/, /分から/, /分ら/, /わかん/, /不明/, /しらない/, /知らない/, /どうだろう/, /don'?t know/, /not sure/];
const NO = [/^いいえ/, /^いや/, /^ううん/, /ない/, /なし/, /無し/, /無い/, /ません/, /ないです/, /特に/, /とくに/, /大丈夫/, /だいじょうぶ/, /^no\b/, /^none/];
const YES = [/^はい/, /^うん/, /^ええ/, /ある/, /あり/, /有り/, /有る/, /少し/, /すこし/, /ちょっと/, /やや/, /多少/, /^yes\b/, /^yeah/, /^a little/, /^some/];

function read(raw: string): 'yes' | 'no' | 'unknown' | null {
  const s = toHiragana(foldText(String(raw ?? ''))).replace(/[。、.!！,]+/g, '').replace(/#$/, '').trim();
  if (s === '') return null;
  const exact = Object.hasOwn(EXACT, s) ? EXACT[s] : undefined; // user text must never reach Object.prototype
  if (exact) return exact;
  if (UNKNOWN.some((r) => r.test(s))) return 'unknown';
  if (NO.some((r) => r.test(s))) return 'no';
  if (YES.some((r) => r.test(s))) return 'yes';
  return null;
}
