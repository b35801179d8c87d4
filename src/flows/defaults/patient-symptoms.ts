import type { QuestionNode } from '../definition/schema.js';
import { symptom } from './build.js';

/**
 * The eleven はい / いいえ / わからない items of the daily check (My HER-SYS items), each
 * asked so that 「はい」 means the symptom is there. SMS wording stays under 70 characters;
 * voice wording is what a caller hears (the adapter adds 「はいは1…」).
 *
 * The three red-flag items — 表情・顔色, 息苦しさ, 意識 — are asked one by one (MHLW's
 * home-care guidance lists them among the 緊急性の高い症状 to be checked every day, and a
 * 「わからない」 to any of them must reach a nurse as amber). The other eight are answered
 * through the group question `symptoms` (PATIENT_SYMPTOM_GROUP): 「どれもない」 in one touch
 * records each of them as no, so rules and statistics see the same observations.
 */
export const PATIENT_SYMPTOMS: Record<string, QuestionNode> = {
  // 「はい」 is the MHLW urgent sign 顔色が明らかに悪い / いつもと違う・様子がおかしい: red (rule face).
  face: symptom('breathless', {
    ja: '表情や顔色がいつもと違うと言われたり、感じたりしますか？', en: 'Does your face or expression look different from usual?', easy: 'かおいろが いつもと ちがいますか？',
    sms: '表情・顔色がいつもと違う？', smsEn: 'Face or colour unusual?', voice: '顔色や表情が、いつもと違いますか？', voiceEn: 'Does your face look different from usual?',
  }),
  cough: symptom('urgent', {
    ja: '咳や鼻水はありますか？', en: 'Do you have a cough or a runny nose?', easy: 'せきや はなみずは ありますか？',
    sms: '咳・鼻水はある？', smsEn: 'Cough or runny nose?', voice: '咳や鼻水はありますか？', voiceEn: 'Do you have a cough or a runny nose?',
  }),
  sore_throat: symptom('urgent', {
    ja: 'のどの痛みはありますか？', en: 'Do you have a sore throat?', easy: 'のどは いたいですか？',
    sms: 'のどの痛みはある？', smsEn: 'Sore throat?', voice: 'のどの痛みはありますか？', voiceEn: 'Do you have a sore throat?',
  }),
  breathless: symptom('consciousness', {
    ja: '息苦しさはありますか？', en: 'Are you short of breath?', easy: 'いきが くるしいですか？',
    sms: '息苦しさはある？', smsEn: 'Short of breath?', voice: '息苦しさはありますか？', voiceEn: 'Are you short of breath?',
  }),
  fatigue: symptom('urgent', {
    ja: '体のだるさ（全身倦怠感）はありますか？', en: 'Do you feel tired all over (fatigue)?', easy: 'からだが だるいですか？',
    sms: '体のだるさはある？', smsEn: 'Fatigue?', voice: '体のだるさはありますか？', voiceEn: 'Do you feel tired all over?',
  }),
  nausea: symptom('urgent', {
    ja: '吐き気や嘔吐はありますか？', en: 'Do you feel sick or have you vomited?', easy: 'はきけが ありますか？ はきましたか？',
    sms: '吐き気・嘔吐はある？', smsEn: 'Nausea or vomiting?', voice: '吐き気や、吐いたことはありますか？', voiceEn: 'Do you feel sick, or have you vomited?',
  }),
  diarrhea: symptom('urgent', {
    ja: '下痢はありますか？', en: 'Do you have diarrhoea?', easy: 'げりを して いますか？',
    sms: '下痢はある？', smsEn: 'Diarrhoea?', voice: '下痢はありますか？', voiceEn: 'Do you have diarrhoea?',
  }),
  taste_smell: symptom('urgent', {
    ja: '味や匂いがわかりにくいですか？（味覚・嗅覚の異常）', en: 'Have you lost your sense of taste or smell?', easy: 'あじや においが わかりにくいですか？',
    sms: '味覚・嗅覚の異常はある？', smsEn: 'Loss of taste or smell?', voice: '味や匂いが、わかりにくいですか？', voiceEn: 'Have you lost your sense of taste or smell?',
  }),
  consciousness: symptom('symptoms', {
    ja: 'ぼんやりする、眠くて起きていられないなど、意識がおかしいと感じますか？', en: 'Do you feel drowsy, confused or unable to stay awake?', easy: 'ぼんやり したり、とても ねむかったり しますか？',
    sms: 'ぼんやりする等、意識の異常はある？', smsEn: 'Drowsy or confused?', voice: 'ぼんやりする、起きていられないなど、意識がおかしいですか？', voiceEn: 'Do you feel drowsy or confused?',
  }),
  cannot_eat: symptom('urgent', {
    ja: '食事や水分がとれないですか？', en: 'Are you unable to eat or drink?', easy: 'ごはんや みずが のめないですか？',
    sms: '食事・水分がとれない？', smsEn: 'Unable to eat or drink?', voice: '食事や水分が、とれないですか？', voiceEn: 'Are you unable to eat or drink?',
  }),
  no_urine: symptom('urgent', {
    ja: '半日以上、尿（おしっこ）が出ていないですか？', en: 'Have you passed no urine for half a day or more?', easy: 'はんにち いじょう おしっこが でて いないですか？',
    sms: '半日以上、尿が出ていない？', smsEn: 'No urine for 12 hours or more?', voice: '半日以上、おしっこが出ていないですか？', voiceEn: 'Have you passed no urine for half a day?',
  }),
};

export const PATIENT_SYMPTOM_IDS = Object.keys(PATIENT_SYMPTOMS);

/** The red-flag items asked one by one, in this order. */
export const RED_FLAG_IDS = ['face', 'breathless', 'consciousness'] as const;

