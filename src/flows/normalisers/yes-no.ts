import { foldText, toHiragana } from './half-width.js';

/**
 * Yes / no / don't-know in the many ways people say them: はい/いいえ/うん/ううん/ある/ない/
 * なし/あります/ありません/yes/no/y/n/イエス/ノー, keypad 1/2/3, 「少しある」 (yes — a mild
 * symptom is still a symptom), 「わからない」 (unknown, never no). Returns null when it cannot
 * tell, so the engine can re-ask. Never throws.
 *
 * Hedged answers are never read as no (the choice, so a nurse is never told "no" when the
 * person did not say it):
 *   - a hedged or softened yes is yes: 「あるかもしれない」「少しあるかもしれない」「ある気がする」
 *     「ありそう」 — a symptom the person suspects is reported as present;
 *   - a negated no is yes: 「なくはない」「ないことはない」「大丈夫じゃない」「平気ではない」;
 *   - a hedged no, or neither, is unknown: 「ないかもしれない」「どちらとも言えない」「微妙」
 *     「かもしれない」 — on a red-symptom question a rule turns unknown into an amber flag;
 *   - a plain opinion keeps its side: 「ないと思う」 is no, 「あると思う」 is yes.
 *
 * Example: parseYesNo("少しある", true) === "yes"; parseYesNo("わからない", false) === null;
 *          parseYesNo("なくはない", true) === "yes"; parseYesNo("ないかもしれない", true) === "unknown"
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

type YesNo = 'yes' | 'no' | 'unknown';

const EXACT: Record<string, YesNo> = {
  '1': 'yes', '2': 'no', '3': 'unknown', y: 'yes', yes: 'yes', yeah: 'yes', yep: 'yes', ok: 'yes',
  n: 'no', no: 'no', nope: 'no', '?': 'unknown', '？': 'unknown', unknown: 'unknown', idk: 'unknown',
  '○': 'yes', '〇': 'yes', o: 'yes', '×': 'no', x: 'no', '有': 'yes', '無': 'no',
  'はい': 'yes', 'うん': 'yes', 'ええ': 'yes', 'ある': 'yes', 'あり': 'yes', 'そう': 'yes', 'いえす': 'yes',
  'いいえ': 'no', 'いえ': 'no', 'いや': 'no', 'ううん': 'no', 'ない': 'no', 'なし': 'no', 'のー': 'no',
};

// Checked in this order: each list catches what a later, looser one would misread.
const UNKNOWN = [
  /わから/, /わかりませ/, /分かりませ/, /分から/, /分ら/, /わかん/, /不明/, /しらない/, /知らない/, /どうだろう/,
  /どちらとも/, /どっちとも/, /どちらでもな/, /どっちでもな/, /なんとも/, /何とも/, /微妙/, /びみょう/,
  /don'?t know/, /not sure/, /maybe/, /perhaps/,
];
// 「なくはない」「大丈夫じゃない」: a denied "no" — the symptom is there.
const NEGATED_NO = [
  /なくは?ない/, /なくもない/, /ないことは?ない/, /ないこともない/, /ないわけ(では|じゃ)ない/,
  /(大丈夫|だいじょうぶ|平気|へいき)(じゃ|では|で)(ない|なく|ありません)/, /(大丈夫|だいじょうぶ)くない/,
];
// 「かもしれない」「かも」 make the rest uncertain; the rest says which way.
const HEDGE = /(かもしれ(ない|ません|ん)|かもです|かもね?|かな|気がします|気がする|きがする|ような|みたい|っぽい|そう(です)?)$/;
const NO = [/^いいえ/, /^いや/, /^ううん/, /ない/, /なし/, /無し/, /無い/, /ません/, /特に/, /とくに/, /大丈夫/, /だいじょうぶ/, /^no\b/, /^none/];
const YES = [/^はい/, /^うん/, /^ええ/, /ある/, /あり/, /有り/, /有る/, /少し/, /すこし/, /ちょっと/, /やや/, /多少/, /^yes\b/, /^yeah/, /^a little/, /^some/];

const FILLER = /^((えっと|えーと|えー|うーん|うーむ|あの|あのー|まあ|んー)[\s、,ー]*)+/;

const exactOf = (s: string): YesNo | undefined => (Object.hasOwn(EXACT, s) ? EXACT[s] : undefined); // user text must never reach Object.prototype

function read(raw: string): YesNo | null {
  const folded = toHiragana(foldText(String(raw ?? ''))).replace(/[。、.!！,]+/g, '').replace(/#$/, '').trim();
  if (folded === '') return null;
  // 「うーん、あるかもしれないです」: the filler and the politeness are not the answer.
  const s = folded.replace(FILLER, '').replace(/(です|でした|ね|よ)+$/, '') || folded;
  const exact = exactOf(folded) ?? exactOf(s);
  if (exact) return exact;
  if (UNKNOWN.some((r) => r.test(s))) return 'unknown';
  if (NEGATED_NO.some((r) => r.test(s))) return 'yes';
  if (HEDGE.test(s)) return hedged(s.replace(HEDGE, ''));
  if (NO.some((r) => r.test(s))) return 'no';
  if (YES.some((r) => r.test(s))) return 'yes';
  return null;
}

/** 「あるかも」 → yes (a suspected symptom counts), 「ないかも」 → unknown, 「かもしれない」 alone → unknown. */
function hedged(core: string): YesNo {
  const exact = exactOf(core);
  if (exact) return exact === 'yes' ? 'yes' : 'unknown';
  if (core !== '' && NO.some((r) => r.test(core))) return 'unknown';
  if (core !== '' && YES.some((r) => r.test(core))) return 'yes';
  return 'unknown';
}
