import type { RuleDef } from '../definition/schema.js';
import { r, unsureOf } from './build.js';
import { PATIENT_SYMPTOM_IDS } from './patient-symptoms.js';

/**
 * Risk rules of the patient daily check — data, not code, so a prefecture can tune them.
 * Red = contact now, amber = review today. Sources: MHLW home-care guidance (SpO2 ≤ 93,
 * the 13 urgent symptoms; 表情・顔色 is the 「顔色が明らかに悪い・いつもと違う」 item asked on
 * its own) and the thresholds. A red-symptom question answered 「わからない」, hedged
 * to unknown, or never readably answered is amber (`<id>_unknown`, `urgent_unreadable`):
 * never silently "no".
 */
export const PATIENT_RULES: RuleDef[] = [
  { id: 'spo2_critical', type: 'threshold', question: 'spo2', lte: 93, severity: 'red', callNow: true, reason: r('SpO2 93%以下', 'SpO2 ≤ 93 %') },
  // 94–95: amber now, and the flow asks for a second reading at once (node spo2_again), judged on its own.
  { id: 'spo2_borderline', type: 'threshold', question: 'spo2', between: [94, 95], severity: 'amber', reason: r('SpO2 94〜95%', 'SpO2 94–95 %') },
  { id: 'spo2_again_critical', type: 'threshold', question: 'spo2_again', lte: 93, severity: 'red', callNow: true, reason: r('測り直したSpO2が93%以下', 'SpO2 ≤ 93 % when measured again') },
  { id: 'face', type: 'answer', question: 'face', anyOf: [true], severity: 'red', callNow: true, reason: r('表情・顔色がいつもと違う（顔色が明らかに悪い等）', 'Face or colour unusual (e.g. clearly pale)') },
  unsureOf('face', '表情・顔色', 'face or colour'),
  { id: 'breathless', type: 'answer', question: 'breathless', anyOf: [true], severity: 'red', callNow: true, reason: r('息苦しさがある', 'Short of breath') },
  unsureOf('breathless', '息苦しさ', 'breathlessness'),
  { id: 'consciousness', type: 'answer', question: 'consciousness', anyOf: [true], severity: 'red', callNow: true, reason: r('意識の異常がある', 'Drowsy or confused') },
  unsureOf('consciousness', '意識の異常', 'drowsiness or confusion'),
  { id: 'fever', type: 'threshold', question: 'temperature', gte: 38, severity: 'amber', reason: r('38.0℃以上の発熱', 'Fever ≥ 38.0 °C') },
  { id: 'cannot_eat', type: 'answer', question: 'cannot_eat', anyOf: [true], severity: 'amber', reason: r('食事・水分がとれない', 'Unable to eat or drink') },
  { id: 'no_urine', type: 'answer', question: 'no_urine', anyOf: [true], severity: 'amber', reason: r('半日以上排尿がない', 'No urine for half a day or more') },
  { id: 'pulse_abnormal', type: 'threshold', question: 'pulse', outside: [50, 120], severity: 'amber', reason: r('脈拍が50〜120回/分の範囲外', 'Pulse outside 50–120 /min') },
  { id: 'urgent_symptom', type: 'urgent', question: 'urgent', except: ['none'], severity: 'red', reason: r('緊急性の高い症状がある', 'An urgent symptom') },
  { id: 'urgent_unreadable', type: 'answer', question: 'urgent', anyOf: [null], severity: 'amber', reason: r('緊急性の高い症状の質問に、読み取れる答えがない', 'No readable answer to the urgent-symptoms checklist') },
  { id: 'fever_3days', type: 'trend', trend: 'consecutive', questions: ['temperature'], gte: 37.5, days: 3, severity: 'amber', reason: r('37.5℃以上の発熱が3日続いている', 'Fever ≥ 37.5 °C for 3 days in a row') },
  { id: 'spo2_drop', type: 'trend', trend: 'drop', questions: ['spo2'], points: 3, severity: 'amber', reason: r('SpO2が前回から3ポイント以上低下', 'SpO2 fell 3 points or more since the last report') },
  { id: 'new_symptom_late', type: 'trend', trend: 'new_symptom', questions: [...PATIENT_SYMPTOM_IDS, 'urgent'], fromDay: 5, severity: 'amber', reason: r('療養5日目以降に新しい症状', 'A new symptom on day 5 or later') },
  { id: 'worse_than_yesterday', type: 'trend', trend: 'worse', questions: PATIENT_SYMPTOM_IDS, severity: 'amber', reason: r('昨日より悪化した回答がある', 'Answers worse than yesterday') },
];
