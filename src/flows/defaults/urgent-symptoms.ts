import type { Choice } from '../definition/schema.js';
import { text } from './build.js';

/**
 * 厚生労働省「自宅療養中の方の緊急性の高い症状」(13 items). Any one of them is red at once and
 * the patient is told to call now. Labels are kept short so they fit LINE quick replies;
 * `aliases` are what people actually type.
 */
export const URGENT_SYMPTOMS: Choice[] = [
  { value: 'face_pale', label: text('顔色が明らかに悪い', 'Clearly pale face', 'かおいろが とても わるい'), aliases: ['顔色が悪い'] },
  { value: 'lips_purple', label: text('唇が紫色', 'Purple lips', 'くちびるが むらさきいろ'), aliases: ['唇が紫', 'くちびる'] },
  { value: 'unusual', label: text('いつもと違う・様子がおかしい', 'Not themselves, something is wrong', 'いつもと ちがう'), aliases: ['様子がおかしい'] },
  { value: 'breathing_fast', label: text('息が荒い', 'Breathing fast', 'いきが あらい'), aliases: ['呼吸が速い'] },
  { value: 'sudden_breathless', label: text('急に息苦しくなった', 'Suddenly short of breath', 'きゅうに いきが くるしい') },
  { value: 'exertion_breathless', label: text('少し動くと息があがる', 'Out of breath on slight effort', 'すこし うごくと いきが くるしい') },
  { value: 'chest_pain', label: text('胸の痛み', 'Chest pain', 'むねが いたい'), aliases: ['胸が痛い'] },
  { value: 'orthopnea', label: text('横にならないと/座らないと息ができない', 'Cannot breathe unless lying down or sitting up', 'すわらないと いきが できない') },
  { value: 'shoulder_breathing', label: text('肩で息をしている', 'Breathing with the shoulders', 'かたで いきを している') },
  { value: 'wheezing', label: text('突然ゼーゼーしはじめた', 'Suddenly started wheezing', 'きゅうに ゼーゼー する'), aliases: ['ゼーゼー'] },
  { value: 'drowsy', label: text('ぼんやりしている・反応が弱い', 'Drowsy, responds weakly', 'ぼんやり している') },
  { value: 'confused', label: text('もうろうとしている', 'Confused, barely conscious', 'もうろうと している') },
  { value: 'irregular_pulse', label: text('脈がとぶ・リズムが乱れる', 'Skipped or irregular pulse', 'みゃくが みだれる') },
  { value: 'none', label: text('なし', 'None', 'ない'), aliases: ['ない', 'ありません', 'どれもない'] },
  // Voice asks the list as one yes/no (collapse): 'some' records "at least one, not said which".
  { value: 'some', label: text('いずれかに当てはまる', 'At least one of these', 'どれか ある'), channels: ['voice'] },
];

export const URGENT_VALUES = URGENT_SYMPTOMS.map((c) => c.value).filter((v) => v !== 'none');
