import type { FlowDefinition } from '../definition/schema.js';
import { FLOW_SPEC_VERSION } from '../definition/migrations/index.js';
import { text } from './build.js';
import { PULSE, SPO2, TEMPERATURE } from './measurements.js';
import { PATIENT_RULES } from './patient-rules.js';
import { PATIENT_SYMPTOMS } from './patient-symptoms.js';
import { URGENT_SYMPTOMS } from './urgent-symptoms.js';

/**
 * 毎日の健康観察 for patients, after My HER-SYS: 体温, SpO2 and 脈拍 (only for people with an
 * oximeter), eleven はい/いいえ/わからない symptoms, the urgent-symptoms checklist and a free
 * comment. About 16 short questions: under two minutes on LINE, about two on a call.
 */
export const patientDaily: FlowDefinition = {
  spec: FLOW_SPEC_VERSION,
  key: 'patient-daily',
  name: text('毎日の健康観察（患者）', 'Daily health check (patients)'),
  start: 'intro',
  nodes: {
    intro: {
      type: 'message',
      next: 'temperature',
      text: text('今日の健康観察です。2分ほどで終わります。', "Today's health check. It takes about two minutes.", 'きょうの けんこう チェックです。2ふんくらいで おわります。', {
        voice: { ja: 'こちらは保健所の健康観察の自動音声です。2分ほどで終わります。', en: 'This is the automated health check from your health centre. It takes about two minutes.' },
      }),
    },
    temperature: { ...TEMPERATURE, next: 'oximeter' },
    oximeter: { type: 'branch', cases: [{ when: { subject: 'hasOximeter', op: 'eq', value: true }, next: 'spo2' }], default: 'face' },
    spo2: { ...SPO2, next: 'pulse' },
    pulse: { ...PULSE, next: 'face' },
    ...PATIENT_SYMPTOMS,
    urgent: {
      type: 'question', kind: 'multi', exclusive: 'none', next: 'comment', choices: URGENT_SYMPTOMS,
      collapse: { channels: ['voice'], yes: 'some', no: 'none' },
      text: text('次の症状で当てはまるものを全部選んでください。なければ「なし」。', 'Choose every symptom below that applies, or "None".', 'つぎの なかで あてはまる ものを ぜんぶ えらんで ください。', {
        sms: { ja: '当てはまる症状の番号を全部（なければ「なし」）', en: 'Numbers of any symptoms below (or "none")' },
        voice: {
          ja: '唇が紫色、急に息苦しい、胸が痛い、肩で息をしている、ぼんやりしている、脈が乱れる、など、いつもと違う危ない症状がありますか？',
          en: 'Do you have any danger signs, such as purple lips, sudden breathlessness, chest pain, drowsiness or an irregular pulse?',
        },
      }),
    },
    comment: {
      type: 'question', kind: 'text', optional: true, maxLength: 500, next: 'done',
      text: text('保健所に伝えたいことがあれば書いてください。なければ「なし」。', 'Anything to tell the health centre? If not, write "none".', 'ほけんじょに つたえたい ことが あれば かいて ください。', {
        sms: { ja: '保健所への伝言（なければ「なし」）', en: 'Message for the health centre (or "none")' },
        voice: { ja: '伝えたいことがあれば、お話しください。なければシャープを押してください。', en: 'If you have a message, please speak now. If not, press hash.' },
      }),
    },
    done: { type: 'end', text: text('ご回答ありがとうございました。お大事にしてください。', 'Thank you for answering. Take care.', 'こたえて くれて ありがとう ございました。おだいじに。') },
  },
  rules: PATIENT_RULES,
  escalation: { minAge: 65, riskFactors: ['age65', 'underlying_condition', 'pregnancy', 'immunosuppressed'] },
};
