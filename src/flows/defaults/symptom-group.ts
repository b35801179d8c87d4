import type { Choice, QuestionNode } from '../definition/schema.js';
import { text } from './build.js';

const item = (value: string, ja: string, en: string, easy: string, aliases: string[]): Choice => ({ value, label: text(ja, en, easy), aliases });

/**
 * The eight everyday symptoms of the patient check as one question (kind `group`):
 * [どれもない] [ある], and only after 「ある」 which of them. Labels fit a LINE button (≤ 20
 * characters); aliases let 「咳があります」 typed at the first step answer both steps.
 */
export const SYMPTOM_GROUP_ITEMS: Choice[] = [
  item('cough', '咳・鼻水', 'Cough, runny nose', 'せき・はなみず', ['咳', 'せき', '鼻水', 'はなみず']),
  item('sore_throat', 'のどの痛み', 'Sore throat', 'のどが いたい', ['のど', '喉']),
  item('fatigue', '体のだるさ', 'Fatigue', 'からだが だるい', ['だるい', 'だるさ', '倦怠感']),
  item('nausea', '吐き気・嘔吐', 'Nausea, vomiting', 'はきけ・はいた', ['吐き気', 'はきけ', '嘔吐', '吐いた']),
  item('diarrhea', '下痢', 'Diarrhoea', 'げり', ['げり']),
  item('taste_smell', '味覚・嗅覚の異常', 'Taste or smell lost', 'あじ・においが わからない', ['味覚', '嗅覚', '匂い', 'におい']),
  item('cannot_eat', '食事・水分がとれない', 'Cannot eat or drink', 'たべられない・のめない', ['食べられない', '飲めない', '食欲がない']),
  item('no_urine', '半日以上尿が出ない', 'No urine for 12 h', 'おしっこが でない', ['尿が出ない', 'おしっこが出ない']),
];

export function symptomGroup(next: string, items: Choice[], t: { ja: string; en: string; easy: string; sms: string; smsEn: string; voice: string; voiceEn: string }): QuestionNode {
  return {
    type: 'question',
    kind: 'group',
    exclusive: 'none',
    next,
    text: text(t.ja, t.en, t.easy, {
      sms: { ja: t.sms, en: t.smsEn },
      voice: { ja: t.voice, en: t.voiceEn },
      // The web page lists the items as checkboxes right under the question.
      web: { ja: '今日、次の症状はありますか？当てはまるものを全部選んでください。', en: 'Do you have any of these today? Choose every one that applies.', 'ja-easy': 'きょう、つぎの ことは ありますか？ あてはまる ものを ぜんぶ えらんで ください。' },
    }),
    choices: [...items, { value: 'none', label: text('どれもない', 'None of these', 'どれも ない'), aliases: ['なし', 'ない', 'ありません', '特にない', '特になし'] }],
  };
}

/** The patient check's group, its wording listing the eight so the first step needs no second screen. */
export const PATIENT_SYMPTOM_GROUP = symptomGroup('urgent', SYMPTOM_GROUP_ITEMS, {
  ja: '今日、次の症状はありますか？\n咳・鼻水／のどの痛み／体のだるさ／吐き気・嘔吐／下痢／味覚・嗅覚の異常／食事・水分がとれない／半日以上尿が出ない',
  en: 'Do you have any of these today?\nCough or runny nose / sore throat / fatigue / nausea or vomiting / diarrhoea / loss of taste or smell / unable to eat or drink / no urine for 12 hours',
  easy: 'きょう、つぎの ことは ありますか？\nせき・はなみず／のどが いたい／だるい／はきけ／げり／あじや においが わからない／たべられない／おしっこが でない',
  sms: '次の症状は？咳・鼻水/のどの痛み/だるさ/吐き気/下痢/味覚・嗅覚/食事がとれない/尿が出ない',
  smsEn: 'Any: cough/throat/fatigue/nausea/diarrhoea/taste/not eating/no urine?',
  voice: '咳や鼻水、のどの痛み、だるさ、吐き気、下痢、味や匂いの異常、食事がとれない、おしっこが出ない。どれかありますか？',
  voiceEn: 'Cough or runny nose, sore throat, fatigue, nausea, diarrhoea, loss of taste or smell, unable to eat or drink, no urine: any of these?',
});
