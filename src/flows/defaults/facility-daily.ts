import type { FlowDefinition } from '../definition/schema.js';
import { FLOW_SPEC_VERSION } from '../definition/migrations/index.js';
import { r, text } from './build.js';

/**
 * A symptom column of the facility's page. `channels: ['web']`: the page
 * (src/domain/facilities/facility-round-page.tsx → src/domain/facilities/facility-round.ts) is the only
 * door this flow is answered through, always as channel 'web'; the flow is never sent to a
 * person on LINE, SMS or a call (residents get no prompt of their own). Saying so here keeps
 * the engine from offering these choices anywhere else, and it is why the 20-character limit
 * of a LINE quick-reply button (tests/flows/languages.test.ts) does not apply to these labels:
 * "Confused or responding weakly" is an urgent sign, not cut to fit a button never shown.
 */
const c = (value: string, ja: string, en: string) => ({ value, label: { ja, en }, channels: ['web' as const] });

/**
 * 施設一括報告: the flow behind one row of a facility's round page (temperature, SpO2,
 * symptoms, comment per resident), answered by the facility's staff. The page feeds each
 * row through the same verb and engine as any answer (src/domain/facilities/submit-round.ts);
 * the rules are the patient flow's thresholds (MHLW home-care guidance: SpO2 ≤ 93 red, the
 * urgent symptoms red, fever ≥ 38.0 ℃ amber). The symptom choices are the table's columns.
 */
export const FACILITY_SYMPTOMS = [
  c('breathless', '息苦しい', 'Short of breath'),
  c('consciousness', '意識がおかしい・反応が弱い', 'Confused or responding weakly'),
  c('lips_purple', '顔色が悪い・唇が紫色', 'Pale or purple lips'),
  c('chest_pain', '胸の痛み', 'Chest pain'),
  c('cannot_eat', '食事・水分がとれない', 'Unable to eat or drink'),
  c('cough', '咳', 'Cough'),
  c('sore_throat', 'のどの痛み', 'Sore throat'),
  c('diarrhoea', '下痢・嘔吐', 'Diarrhoea or vomiting'),
  c('none', 'なし', 'None'),
];

export const facilityDaily: FlowDefinition = {
  spec: FLOW_SPEC_VERSION,
  key: 'facility-daily',
  name: text('施設一括報告（入所者）', 'Facility round (residents)'),
  start: 'temperature',
  nodes: {
    temperature: { type: 'question', kind: 'number', unit: '℃', min: 34, max: 42, precision: 0.1, next: 'spo2', text: text('体温', 'Temperature') },
    spo2: { type: 'question', kind: 'number', unit: '%', min: 1, max: 100, precision: 1, optional: true, next: 'symptoms', text: text('SpO2', 'SpO2') },
    symptoms: { type: 'question', kind: 'multi', exclusive: 'none', next: 'comment', choices: FACILITY_SYMPTOMS, text: text('症状', 'Symptoms') },
    comment: { type: 'question', kind: 'text', optional: true, maxLength: 500, next: 'done', text: text('コメント', 'Comment') },
    done: { type: 'end' },
  },
  rules: [
    { id: 'spo2_critical', type: 'threshold', question: 'spo2', lte: 93, severity: 'red', callNow: true, reason: r('SpO2 93%以下', 'SpO2 ≤ 93 %') },
    { id: 'spo2_borderline', type: 'threshold', question: 'spo2', between: [94, 95], severity: 'amber', reason: r('SpO2 94〜95%', 'SpO2 94–95 %') },
    { id: 'facility_red_symptom', type: 'answer', question: 'symptoms', anyOf: ['breathless', 'consciousness', 'lips_purple', 'chest_pain'], severity: 'red', callNow: true, reason: r('緊急性の高い症状がある', 'An urgent symptom') },
    { id: 'cannot_eat', type: 'answer', question: 'symptoms', anyOf: ['cannot_eat'], severity: 'amber', reason: r('食事・水分がとれない', 'Unable to eat or drink') },
    { id: 'fever', type: 'threshold', question: 'temperature', gte: 38, severity: 'amber', reason: r('38.0℃以上の発熱', 'Fever ≥ 38.0 °C') },
    { id: 'fever_3days', type: 'trend', trend: 'consecutive', questions: ['temperature'], gte: 37.5, days: 3, severity: 'amber', reason: r('37.5℃以上の発熱が3日続いている', 'Fever ≥ 37.5 °C for 3 days in a row') },
  ],
  escalation: { minAge: 65, riskFactors: ['age65', 'underlying_condition', 'pregnancy', 'immunosuppressed'] },
};
