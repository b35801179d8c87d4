import type { RuleDef } from '../definition/schema.js';
import { text } from './build.js';
import { PATIENT_SYMPTOM_IDS } from './patient-symptoms.js';

const r = (ja: string, en: string) => ({ ja, en });

/**
 * Risk rules of the patient daily check — data, not code, so a prefecture can tune them.
 * Red = contact now, amber = review today. Sources: MHLW home-care guidance (SpO2 ≤ 93,
 * the 13 urgent symptoms) and the thresholds.
 */
export const PATIENT_RULES: RuleDef[] = [
  { id: 'spo2_critical', type: 'threshold', question: 'spo2', lte: 93, severity: 'red', callNow: true, reason: r('SpO2 93%以下', 'SpO2 ≤ 93 %') },
  {
    id: 'spo2_borderline', type: 'threshold', question: 'spo2', between: [94, 95], severity: 'amber', reason: r('SpO2 94〜95%', 'SpO2 94–95 %'),
    advice: text('SpO2が少し低めです。少し休んでから、もう一度測ってください。93%以下になったら、すぐ保健所に電話してください。', 'Your SpO2 is a little low. Rest, then measure again. If it is 93 % or lower, call the health centre at once.', 'SpO2が すこし ひくいです。やすんでから もう いちど はかって ください。'),
  },
  { id: 'breathless', type: 'answer', question: 'breathless', anyOf: [true], severity: 'red', callNow: true, reason: r('息苦しさがある', 'Short of breath') },
  { id: 'breathless_unknown', type: 'answer', question: 'breathless', anyOf: ['unknown'], severity: 'amber', reason: r('息苦しさが「わからない」', 'Not sure about breathlessness') },
  { id: 'consciousness', type: 'answer', question: 'consciousness', anyOf: [true], severity: 'red', callNow: true, reason: r('意識の異常がある', 'Drowsy or confused') },
  { id: 'consciousness_unknown', type: 'answer', question: 'consciousness', anyOf: ['unknown'], severity: 'amber', reason: r('意識の異常が「わからない」', 'Not sure about drowsiness or confusion') },
  { id: 'fever', type: 'threshold', question: 'temperature', gte: 38, severity: 'amber', reason: r('38.0℃以上の発熱', 'Fever ≥ 38.0 °C') },
  { id: 'cannot_eat', type: 'answer', question: 'cannot_eat', anyOf: [true], severity: 'amber', reason: r('食事・水分がとれない', 'Unable to eat or drink') },
  { id: 'no_urine', type: 'answer', question: 'no_urine', anyOf: [true], severity: 'amber', reason: r('半日以上排尿がない', 'No urine for half a day or more') },
  { id: 'pulse_abnormal', type: 'threshold', question: 'pulse', outside: [50, 120], severity: 'amber', reason: r('脈拍が50〜120回/分の範囲外', 'Pulse outside 50–120 /min') },
  { id: 'urgent_symptom', type: 'urgent', question: 'urgent', except: ['none'], severity: 'red', reason: r('緊急性の高い症状がある', 'An urgent symptom') },
  { id: 'fever_3days', type: 'trend', trend: 'consecutive', questions: ['temperature'], gte: 37.5, days: 3, severity: 'amber', reason: r('37.5℃以上の発熱が3日続いている', 'Fever ≥ 37.5 °C for 3 days in a row') },
  { id: 'spo2_drop', type: 'trend', trend: 'drop', questions: ['spo2'], points: 3, severity: 'amber', reason: r('SpO2が前回から3ポイント以上低下', 'SpO2 fell 3 points or more since the last report') },
  { id: 'new_symptom_late', type: 'trend', trend: 'new_symptom', questions: [...PATIENT_SYMPTOM_IDS, 'urgent'], fromDay: 5, severity: 'amber', reason: r('療養5日目以降に新しい症状', 'A new symptom on day 5 or later') },
  { id: 'worse_than_yesterday', type: 'trend', trend: 'worse', questions: PATIENT_SYMPTOM_IDS, severity: 'amber', reason: r('昨日より悪化した回答がある', 'Answers worse than yesterday') },
];
