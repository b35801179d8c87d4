import type { Choice } from '../definition/schema.js';
import { text } from './build.js';

/**
 * 厚生労働省「自宅療養中の方の緊急性の高い症状」(13 items). Any one of them is red at once and
 * the patient is told to call now. Labels are kept short so they fit LINE quick replies.
 *
 * `aliases` is the synonyms table: what people actually type or say, mostly as word stems
 * (「息苦し」 matches 息苦しい / 息苦しく / 息苦しさ) because the choice reader finds them inside
 * natural phrasing and lets only particles, verb endings and politeness around them
 * (normalisers/spot-choices.ts). Kana forms are there for speech and kana-only typists.
 */
export const URGENT_SYMPTOMS: Choice[] = [
  {
    value: 'face_pale', label: text('顔色が明らかに悪い', 'Clearly pale face', 'かおいろが とても わるい'),
    aliases: ['顔色が悪', '顔色悪', '顔色がわる', 'かおいろがわる', '顔が青', '顔が真っ青', '顔面蒼白', '蒼白', '青白', 'pale'],
  },
  {
    value: 'lips_purple', label: text('唇が紫色', 'Purple lips', 'くちびるが むらさきいろ'),
    aliases: ['唇が紫', '唇紫', '唇の色が悪', 'くちびるがむらさき', 'くちびる', '唇', 'チアノーゼ', '紫色', 'むらさき'],
  },
  {
    value: 'unusual', label: text('いつもと違う・様子がおかしい', 'Not themselves, something is wrong', 'いつもと ちがう'),
    aliases: ['いつもと違', 'いつもとちが', '様子がおかし', '様子が変', 'ようすがおかし', '様子がいつもと違', '何かおかし', 'なにかおかし'],
  },
  {
    value: 'breathing_fast', label: text('息が荒い', 'Breathing fast', 'いきが あらい'),
    aliases: ['息が荒', 'いきがあら', '呼吸が荒', '呼吸が速', '呼吸が早', '息が速', '息が早', '呼吸数が多', 'はあはあ', 'はぁはぁ', 'breathing fast'],
  },
  {
    value: 'sudden_breathless', label: text('急に息苦しくなった', 'Suddenly short of breath', 'きゅうに いきが くるしい'),
    aliases: ['急に息苦し', 'きゅうにいきぐるし', '急に息が苦し', '息苦し', 'いきぐるし', '息が苦し', 'いきがくるし', '呼吸が苦し', '呼吸が苦しい', 'short of breath'],
  },
  {
    value: 'exertion_breathless', label: text('少し動くと息があがる', 'Out of breath on slight effort', 'すこし うごくと いきが くるしい'),
    aliases: ['動くと息があが', '動くと息が上が', '動くと息苦し', '動くと息が苦し', '動くと苦し', 'うごくといき', '動くと', '息があが', '息が上が', 'いきがあが', '息切れ', 'いきぎれ'],
  },
  {
    value: 'chest_pain', label: text('胸の痛み', 'Chest pain', 'むねが いたい'),
    aliases: ['胸が痛', '胸の痛', '胸痛', '胸がいた', 'むねがいた', 'むねのいた', '胸が苦し', '胸が締め付け', '胸がしめつけ', '胸'],
  },
  {
    value: 'orthopnea', label: text('横にならないと/座らないと息ができない', 'Cannot breathe unless lying down or sitting up', 'すわらないと いきが できない'),
    aliases: [
      '横にならないと息ができな', '座らないと息ができな', '横にならないと苦し', '座らないと苦し', '横にならないと', '座らないと', 'すわらないと', 'よこにならないと',
      '横になると苦し', '横になると息苦し', '寝ると苦し', '寝ると息苦し', '横になれな', '息ができな', '息ができません', '息ができず', 'いきができな', 'いきができません', '息が吸えな',
    ],
  },
  {
    value: 'shoulder_breathing', label: text('肩で息をしている', 'Breathing with the shoulders', 'かたで いきを している'),
    aliases: ['肩で息', 'かたでいき', '肩で呼吸', '肩呼吸'],
  },
  {
    value: 'wheezing', label: text('突然ゼーゼーしはじめた', 'Suddenly started wheezing', 'きゅうに ゼーゼー する'),
    aliases: ['ゼーゼー', 'ぜーぜー', 'ゼイゼイ', 'ヒューヒュー', 'ゼロゼロ', '喘鳴', 'wheez'],
  },
  {
    value: 'drowsy', label: text('ぼんやりしている・反応が弱い', 'Drowsy, responds weakly', 'ぼんやり している'),
    aliases: ['ぼんやり', 'ぼーっと', 'ぼうっと', 'うとうと', '反応が弱', '反応が鈍', '反応がにぶ', '反応が悪', 'はんのうがよわ', 'drowsy'],
  },
  {
    value: 'confused', label: text('もうろうとしている', 'Confused, barely conscious', 'もうろうと している'),
    aliases: ['もうろう', '朦朧', '意識がはっきりしな', '意識が遠', '意識がおかし', '意識がな', '返事がな', 'confused'],
  },
  {
    value: 'irregular_pulse', label: text('脈がとぶ・リズムが乱れる', 'Skipped or irregular pulse', 'みゃくが みだれる'),
    aliases: ['脈がとぶ', '脈がとん', '脈が飛', '脈が乱', 'みゃくがみだれ', 'みゃくがとぶ', 'リズムが乱', '脈のリズム', '脈が不規則', '不整脈', '脈がおかし', 'irregular pulse'],
  },
  { value: 'none', label: text('なし', 'None', 'ない'), aliases: ['ない', 'ありません', 'どれもない'] },
  // Voice asks the list as one yes/no (collapse): 'some' records "at least one, not said which".
  { value: 'some', label: text('いずれかに当てはまる', 'At least one of these', 'どれか ある'), channels: ['voice'] },
];

export const URGENT_VALUES = URGENT_SYMPTOMS.map((c) => c.value).filter((v) => v !== 'none');
