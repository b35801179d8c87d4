import type { ChoiceOption } from './choices.js';
import { foldLabel } from './half-width.js';

/**
 * Finds choices named inside free phrasing: 「肩で息をしています」「急に息苦しくなった」
 * 「脈が乱れる」「胸が痛いのと唇が紫」. Labels and aliases are looked for as substrings,
 * longest first (so 「動くと息苦し」 wins over 「息苦し」), and what is left must be only
 * particles, verb endings and politeness (「を」「しています」「くなった」「です」): anything
 * else means the person said more than we understood, so nothing is guessed (null).
 * A denial next to a symptom (「胸の痛みはない」「息苦しくない」) gives 'denied', never
 * the symptom and never 「なし」: the engine re-asks. A trailing hedge (「…かもしれない」) is
 * dropped, as yes-no.ts does: a suspected symptom counts. Input is already folded (foldLabel).
 *
 * Example: spotChoices("もうろうとしています", urgentOptions) → Set { "confused" }
 */
export function spotChoices(text: string, choices: ChoiceOption[]): Set<string> | 'denied' | null {
  let rest = text.replace(HEDGE, ''); // 「胸が痛いかもしれない」: a suspected symptom counts (see yes-no.ts)
  const found = new Set<string>();
  for (const { key, value } of keysOf(choices)) {
    if (!rest.includes(key)) continue;
    found.add(value);
    rest = rest.split(key).join('|');
  }
  if (found.size === 0) return null;
  if (DENIAL.test(rest)) return 'denied';
  const residue = rest.split(/[|\s、,，・/／;&や]+/).filter((t) => t !== '');
  return residue.every((t) => FILLER.test(t)) ? found : null;
}

interface Key {
  key: string;
  value: string;
}

// The options of a question are built once per definition and channel (choice-common.ts), so keys are too.
const cache = new WeakMap<ChoiceOption[], Key[]>();

function keysOf(choices: ChoiceOption[]): Key[] {
  const hit = cache.get(choices);
  if (hit) return hit;
  const keys: Key[] = [];
  for (const c of choices) {
    // 「いつもと違う・様子がおかしい」: either half alone names the choice too.
    const names = [c.label, c.value, ...(c.aliases ?? [])].flatMap((n) => [n, ...n.split(/[・/／]/)]).map(foldLabel);
    if (names.some((n) => NONE_WORD.test(n))) continue; // 「なし」 is never spotted inside 「胸の痛みはない」
    for (const key of new Set(names)) if (key.length >= 2 || /^\p{Script=Han}$/u.test(key)) keys.push({ key, value: c.value });
  }
  keys.sort((a, b) => b.key.length - a.key.length);
  cache.set(choices, keys);
  return keys;
}

const HEDGE = /(かもしれ(ない|ません|ん)|かも)(です|ね)*$/;
const NONE_WORD = /^(なし|ない|無し|無い|該当なし|none|no|いいえ)$/;
const DENIAL = /な[いくかけ]|ません|なし|無[いし]|ず$/;

// What may sit around a symptom's words: a particle, an intensifier, a verb or adjective ending, a hedge, politeness.
const PREFIX = '(とても|すごく|かなり|少し|すこし|ちょっと|急に|きゅうに|なんだか|何だか|なんとなく|いま|今日|きょう|今|さっきから|朝から|昨日から|きのうから)';
const PARTICLE = '(が|は|を|も|に|で|の|と|って|and)';
const ENDING =
  '(くなってきました|くなってきた|くなっています|くなっている|くなりました|くなった|くなって|くなる|くて|く|さ|い|かった|' +
  'れています|れている|れてる|れました|れます|れる|れた|れて|んでいます|んでいる|んだ|んで|ぶ|' +
  'しています|している|してます|してる|しました|します|した|する|して|ています|ている|てます|てる|ていた|てきました|てきた|' +
  'になっています|になっている|になりました|になった|になる|があります|がある|がします|がする|る|た|て|あります|ある|あった|' +
  '(出|で)(ています|ている|てる|ます|る|た))'; // 「咳が出ています」
const TAIL = '(感じがします|感じがする|感じです|感じ|気がします|気がする|と思います|と思う|とおもいます|とおもう|みたい|っぽい|ようです|よう)';
const FILLER = new RegExp(`^${PREFIX}?${PARTICLE}?${PREFIX}?${ENDING}?${TAIL}?(です|でした|ね|よ)*${PARTICLE}?$`);
