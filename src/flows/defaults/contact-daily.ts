import type { FlowDefinition } from '../definition/schema.js';
import { FLOW_SPEC_VERSION } from '../definition/migrations/index.js';
import { r, symptom, text, unsureOf } from './build.js';
import { TEMPERATURE } from './measurements.js';
import { PATIENT_SYMPTOMS } from './patient-symptoms.js';
import { SYMPTOM_GROUP_ITEMS, symptomGroup } from './symptom-group.js';

const CONTACT_ITEMS = SYMPTOM_GROUP_ITEMS.filter((c) => ['cough', 'sore_throat', 'fatigue', 'taste_smell'].includes(c.value));

/**
 * 濃厚接触者の健康観察: fever and the main symptoms only, to catch onset early. Fever here
 * means 37.5 ℃ (the onset threshold for contacts), not the 38.0 ℃ used for patients.
 * 息苦しさ (red) is asked on its own; the four onset symptoms as one group question.
 */
export const contactDaily: FlowDefinition = {
  spec: FLOW_SPEC_VERSION,
  key: 'contact-daily',
  name: text('毎日の健康観察（濃厚接触者）', 'Daily health check (close contacts)'),
  start: 'intro',
  nodes: {
    intro: {
      type: 'message', next: 'temperature',
      text: text('今日の健康観察です。1分ほどで終わります。', "Today's health check. It takes about a minute.", 'きょうの けんこう チェックです。', {
        voice: { ja: 'こちらは保健所の健康観察の自動音声です。', en: 'This is the automated health check from your health centre.' },
      }),
    },
    temperature: { ...TEMPERATURE, next: 'breathless' },
    breathless: { ...PATIENT_SYMPTOMS.breathless!, next: 'symptoms' },
    symptoms: symptomGroup('done', CONTACT_ITEMS, {
      ja: '今日、次の症状はありますか？\n咳・鼻水／のどの痛み／体のだるさ／味覚・嗅覚の異常',
      en: 'Do you have any of these today?\nCough or runny nose / sore throat / fatigue / loss of taste or smell',
      easy: 'きょう、つぎの ことは ありますか？\nせき・はなみず／のどが いたい／だるい／あじや においが わからない',
      sms: '次の症状は？咳・鼻水/のどの痛み/だるさ/味覚・嗅覚の異常',
      smsEn: 'Any of: cough/sore throat/fatigue/loss of taste or smell?',
      voice: '咳や鼻水、のどの痛み、だるさ、味や匂いの異常。このうち、どれかありますか？',
      voiceEn: 'Cough or runny nose, sore throat, fatigue, loss of taste or smell: any of these?',
    }),
    cough: { ...PATIENT_SYMPTOMS.cough!, next: 'done' },
    sore_throat: { ...PATIENT_SYMPTOMS.sore_throat!, next: 'done' },
    fatigue: { ...PATIENT_SYMPTOMS.fatigue!, next: 'done' },
    taste_smell: symptom('done', {
      ja: '味や匂いがわかりにくいですか？', en: 'Have you lost your sense of taste or smell?', easy: 'あじや においが わかりにくいですか？',
      sms: '味覚・嗅覚の異常はある？', smsEn: 'Loss of taste or smell?', voice: '味や匂いが、わかりにくいですか？', voiceEn: 'Have you lost your sense of taste or smell?',
    }),
    done: { type: 'end', text: text('ご回答ありがとうございました。', 'Thank you for answering.', 'こたえて くれて ありがとう ございました。') },
  },
  rules: [
    { id: 'contact_fever', type: 'threshold', question: 'temperature', gte: 37.5, severity: 'amber', reason: r('37.5℃以上の発熱（発症の疑い）', 'Fever ≥ 37.5 °C (possible onset)') },
    { id: 'breathless', type: 'answer', question: 'breathless', anyOf: [true], severity: 'red', callNow: true, reason: r('息苦しさがある', 'Short of breath') },
    unsureOf('breathless', '息苦しさ', 'breathlessness'),
    { id: 'contact_symptom', type: 'answer', question: 'cough', anyOf: [true], severity: 'amber', reason: r('咳・鼻水がある（発症の疑い）', 'Cough or runny nose (possible onset)') },
    { id: 'contact_throat', type: 'answer', question: 'sore_throat', anyOf: [true], severity: 'amber', reason: r('のどの痛みがある（発症の疑い）', 'Sore throat (possible onset)') },
    { id: 'contact_taste_smell', type: 'answer', question: 'taste_smell', anyOf: [true], severity: 'amber', reason: r('味覚・嗅覚の異常（発症の疑い）', 'Loss of taste or smell (possible onset)') },
    { id: 'fever_3days', type: 'trend', trend: 'consecutive', questions: ['temperature'], gte: 37.5, days: 3, severity: 'amber', reason: r('37.5℃以上の発熱が3日続いている', 'Fever ≥ 37.5 °C for 3 days in a row') },
  ],
  escalation: { minAge: 65, riskFactors: ['age65', 'underlying_condition', 'pregnancy', 'immunosuppressed'] },
};
