import { foldText, toHiragana } from './half-width.js';

/**
 * Yes / no / don't-know in the many ways people say them: はい/いいえ/うん/ううん/ある/ない/
 * なし/あります/ありません/yes/no/y/n/イエス/ノー, and the words of every patient language (是/否,
 * 네/아니요, có/không, sim/não, sí/no, oo/hindi, हो/होइन, ya/tidak, ใช่/ไม่ใช่ …), keypad 1/2/3, 「少しある」 (yes — a mild
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
  // The other patient languages (languages/index.ts): yes / no / don't know, with and without diacritics.
  '是': 'yes', '是的': 'yes', '对': 'yes', '否': 'no', '不是': 'no', '没有': 'no', '没': 'no', '无': 'no', '不': 'no', '不知道': 'unknown', '不清楚': 'unknown',
  '네': 'yes', '예': 'yes', '응': 'yes', '있어요': 'yes', '있음': 'yes', '있습니다': 'yes', '아니요': 'no', '아니오': 'no', '아니': 'no', '없어요': 'no', '없음': 'no', '없습니다': 'no', '모르겠어요': 'unknown', '모르겠음': 'unknown', '몰라요': 'unknown',
  'có': 'yes', 'co': 'yes', 'vâng': 'yes', 'vang': 'yes', 'dạ': 'yes', 'không': 'no', 'khong': 'no', 'ko': 'no', 'không có': 'no', 'khong co': 'no', 'không biết': 'unknown', 'khong biet': 'unknown',
  'sim': 'yes', 'não': 'no', 'nao': 'no', 'nenhum': 'no', 'nenhuma': 'no', 'nada': 'no', 'não sei': 'unknown', 'nao sei': 'unknown',
  'sí': 'yes', 'si': 'yes', 'ninguno': 'no', 'ninguna': 'no', 'no sé': 'unknown', 'no se': 'unknown',
  'oo': 'yes', 'opo': 'yes', 'meron': 'yes', 'mayroon': 'yes', 'hindi': 'no', 'hindi po': 'no', 'wala': 'no', 'wala po': 'no', 'hindi ko alam': 'unknown', 'ewan': 'unknown',
  'हो': 'yes', 'छ': 'yes', 'अँ': 'yes', 'होइन': 'no', 'छैन': 'no', 'थाहा छैन': 'unknown',
  'ya': 'yes', 'iya': 'yes', 'ada': 'yes', 'tidak': 'no', 'tdk': 'no', 'bukan': 'no', 'tidak ada': 'no', 'nggak': 'no', 'gak': 'no', 'tidak tahu': 'unknown', 'tidak tau': 'unknown', 'nggak tahu': 'unknown',
  'ใช่': 'yes', 'มี': 'yes', 'ครับ': 'yes', 'ค่ะ': 'yes', 'ไม่': 'no', 'ไม่ใช่': 'no', 'ไม่มี': 'no', 'ไม่รู้': 'unknown', 'ไม่แน่ใจ': 'unknown', 'ไม่ทราบ': 'unknown',
};

// Checked in this order: each list catches what a later, looser one would misread.
const UNKNOWN = [
  /わから/, /わかりませ/, /分かりませ/, /分から/, /分ら/, /わかん/, /不明/, /しらない/, /知らない/, /どうだろう/,
  /どちらとも/, /どっちとも/, /どちらでもな/, /どっちでもな/, /なんとも/, /何とも/, /微妙/, /びみょう/,
  /don'?t know/, /not sure/, /maybe/, /perhaps/,
  /不知道/, /不清楚/, /说不清/, /모르겠/, /몰라/, /không biết/, /khong biet/, /không rõ/, /não sei/, /nao sei/, /talvez/, /no sé/, /no se\b/, /quizás/, /quizas/,
  /hindi ko alam/, /hindi sigurado/, /siguro/, /थाहा छैन/, /थाहा भएन/, /tidak tahu/, /tidak tau/, /gak tahu/, /nggak tahu/, /mungkin/, /ไม่รู้/, /ไม่แน่ใจ/, /ไม่ทราบ/, /อาจจะ/,
];
// 「なくはない」「大丈夫じゃない」: a denied "no" — the symptom is there.
const NEGATED_NO = [
  /なくは?ない/, /なくもない/, /ないことは?ない/, /ないこともない/, /ないわけ(では|じゃ)ない/,
  /(大丈夫|だいじょうぶ|平気|へいき)(じゃ|では|で)(ない|なく|ありません)/, /(大丈夫|だいじょうぶ)くない/,
];
// 「かもしれない」「かも」 make the rest uncertain; the rest says which way.
const HEDGE = /(かもしれ(ない|ません|ん)|かもです|かもね?|かな|気がします|気がする|きがする|ような|みたい|っぽい|そう(です)?)$/;
const NO = [
  /^いいえ/, /^いや/, /^ううん/, /ない/, /なし/, /無し/, /無い/, /ません/, /特に/, /とくに/, /大丈夫/, /だいじょうぶ/, /^no\b/, /^none/,
  /^没有/, /^没/, /^不是/, /^否/, /^无/, /^아니/, /없/, /^không/, /^khong\b/, /^não(\s|$)/, /^nao\b/, /^nenhum/, /^nada/, /^ningun/,
  /^hindi\b/, /^wala\b/, /^tidak\b/, /^bukan\b/, /^nggak\b/, /^gak\b/, /^ไม่/, /छैन/, /होइन/,
];
const YES = [
  /^はい/, /^うん/, /^ええ/, /ある/, /あり/, /有り/, /有る/, /少し/, /すこし/, /ちょっと/, /やや/, /多少/, /^yes\b/, /^yeah/, /^a little/, /^some/,
  /^是/, /^有/, /^对/, /一点/, /^네/, /^예/, /있/, /조금/, /^có(\s|$)/, /^co\b/, /^vâng/, /hơi/, /^sim\b/, /^sí(\s|$)/, /^si\b/, /um pouco/, /un poco/,
  /^oo\b/, /^opo\b/, /^meron/, /^mayroon/, /medyo/, /^ya\b/, /^iya\b/, /^ada\b/, /sedikit/, /^ใช่/, /^มี/, /นิดหน่อย/, /^हो/, /छ$/, /अलिअलि/,
];

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
