import type { FlowDefinition } from '../definition/schema.js';
import { FLOW_SPEC_VERSION } from '../definition/migrations/index.js';
import { text } from './build.js';
import { PULSE, SPO2, SPO2_AGAIN, TEMPERATURE } from './measurements.js';
import { PATIENT_RULES } from './patient-rules.js';
import { PATIENT_SYMPTOMS } from './patient-symptoms.js';
import { PATIENT_SYMPTOM_GROUP } from './symptom-group.js';
import { URGENT_SYMPTOMS } from './urgent-symptoms.js';

/**
 * 毎日の健康観察 for patients, after My HER-SYS: 体温, SpO2 and 脈拍 (only for people with an
 * oximeter; a SpO2 of 94–95 is measured again at once), the three red-flag symptoms one by
 * one, the other eight as one group question ([どれもない] [ある]), the urgent-symptoms
 * checklist ([なし] [ある] on LINE) and a free comment. On a normal day: the measurements
 * typed and six touches on LINE; tests/flows/burden.test.ts counts it per channel.
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
        voice: { ja: '保健所の健康観察の自動音声です。1分半ほどです。', en: 'This is the automated health check from your health centre. It takes about a minute and a half.' },
      }),
    },
    temperature: { ...TEMPERATURE, next: 'oximeter' },
    oximeter: { type: 'branch', cases: [{ when: { subject: 'hasOximeter', op: 'eq', value: true }, next: 'spo2' }], default: 'face' },
    spo2: { ...SPO2, next: 'spo2_check' },
    // 94–95 %: 「もう一度測って」 is a question, so the second reading is collected and judged now.
    spo2_check: {
      type: 'branch', default: 'pulse',
      cases: [{ when: { all: [{ question: 'spo2', op: 'gte', value: 94 }, { question: 'spo2', op: 'lte', value: 95 }] }, next: 'spo2_again' }],
    },
    spo2_again: { ...SPO2_AGAIN, next: 'pulse' },
    pulse: { ...PULSE, next: 'face' },
    ...PATIENT_SYMPTOMS,
    symptoms: PATIENT_SYMPTOM_GROUP,
    urgent: {
      type: 'question', kind: 'multi', exclusive: 'none', next: 'comment', choices: URGENT_SYMPTOMS,
      collapse: { channels: ['voice'], yes: 'some', no: 'none' },
      // LINE: [なし] [ある] first (one touch on a normal day); the 13 signs as buttons only after 「ある」.
      gate: { channels: ['line'] },
      pick: text('当てはまるものを選んでください（いくつでも。2つ以上は番号で 1 3 のように）。', 'Which ones? Tap one, or type the numbers (e.g. 1 3).', 'あてはまる ものを えらんで ください。'),
      text: text('次の症状で当てはまるものを全部選んでください。なければ「なし」。', 'Choose every symptom below that applies, or "None".', 'つぎの なかで あてはまる ものを ぜんぶ えらんで ください。', {
        sms: { ja: '当てはまる症状の番号を全部（なければ「なし」）', en: 'Numbers of any symptoms below (or "none")' },
        line: {
          ja: '次の症状はありますか？\n・顔色が明らかに悪い\n・唇が紫色\n・いつもと違う、様子がおかしい\n・息が荒い\n・急に息苦しくなった\n・少し動くと息があがる\n・胸の痛み\n・横にならないと/座らないと息ができない\n・肩で息をしている\n・突然ゼーゼーしはじめた\n・ぼんやりしている、反応が弱い\n・もうろうとしている\n・脈がとぶ、リズムが乱れる',
          en: 'Do you have any of these?\n- Clearly pale face\n- Purple lips\n- Not yourself, something is wrong\n- Breathing fast\n- Suddenly short of breath\n- Out of breath on slight effort\n- Chest pain\n- Cannot breathe unless lying down or sitting up\n- Breathing with your shoulders\n- Suddenly started wheezing\n- Drowsy, responding weakly\n- Confused, barely conscious\n- Skipped or irregular pulse',
        },
        // On a call the three red flags were just asked one by one with the same words (表情・顔色
        // covers 顔色が明らかに悪い and いつもと違う; 息苦しさ covers 急に息苦しくなった; 意識 covers
        // ぼんやり and もうろう), so the list reads only the other signs, grouped by body: 45
        // seconds of speech less, the whole call under 90 s. Key 9 repeats it.
        voice: {
          ja: '最後に、すぐ相談が必要な症状です。唇が紫色。息が荒い、肩で息をする、ゼーゼーする。少し動くと息があがる。横にならないと息ができない。胸が痛い。脈が乱れる。1つでもありますか？',
          en: 'Last, the danger signs. Purple lips. Breathing fast, breathing with your shoulders, sudden wheezing. Out of breath on slight effort. Cannot breathe unless lying down or sitting up. Chest pain. Skipped or irregular pulse. Any one of these?',
        },
      }),
    },
    comment: {
      type: 'question', kind: 'text', optional: true, maxLength: 500, next: 'done',
      text: text('保健所に伝えたいことがあれば書いてください。なければ「なし」。', 'Anything to tell the health centre? If not, answer "none".', 'ほけんじょに つたえたい ことが あれば かいて ください。なければ「なし」。', {
        sms: { ja: '保健所への伝言（なければ「なし」）', en: 'Message for the health centre (or "none")' },
        line: { ja: '保健所に伝えたいことがあれば書いてください。なければ「なし」を押してください。', en: 'Anything to tell the health centre? Write it, or tap "None".' },
        // The page says how to skip it (空欄のまま「次へ」): one instruction, not two.
        web: { ja: '保健所に伝えたいことがあれば書いてください。', en: 'Anything to tell the health centre?', 'ja-easy': 'ほけんじょに つたえたい ことが あれば かいて ください。' },
        voice: { ja: '伝えたいことがあれば、お話しください。なければシャープを。', en: 'If you have a message, please speak now. If not, press hash.' },
      }),
    },
    done: { type: 'end', text: text('ご回答ありがとうございました。お大事にしてください。', 'Thank you for answering. Take care.', 'こたえて くれて ありがとう ございました。おだいじに。', { voice: { ja: 'ありがとうございました。お大事に。', en: 'Thank you. Take care.' } }) },
  },
  rules: PATIENT_RULES,
  escalation: { minAge: 65, riskFactors: ['age65', 'underlying_condition', 'pregnancy', 'immunosuppressed'] },
};
