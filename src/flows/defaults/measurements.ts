import type { QuestionNode } from '../definition/schema.js';
import { text } from './build.js';

/**
 * The measured values shared by the default flows. Precision: temperature 0.1 ℃, SpO2
 * and pulse whole numbers. min/max are the plausible range: outside it the person is
 * asked to measure again (45 ℃ or SpO2 120 % is a typo or a bad reading). SpO2 ≤ 93 (and, on
 * the phone, a temperature ≥ 37.5) is read back before it is recorded. `next` is set by each flow.
 */
export const TEMPERATURE: Omit<QuestionNode, 'next'> = {
  type: 'question', kind: 'number', unit: '℃', min: 34, max: 42, precision: 0.1, keypad: 'temperature',
  // On the phone a fever typed on the keypad is read back (「37度8分ですね」): 375 vs 385 matters.
  confirm: { gte: 37.5, channels: ['voice'] },
  text: text('今日の体温は何度ですか？（例: 36.8）', 'What is your temperature today? (e.g. 36.8)', 'きょうの たいおんは なんどですか？（れい: 36.8）', {
    sms: { ja: '今日の体温は？（例: 36.8）', en: 'Temperature today? (e.g. 36.8)' },
    voice: { ja: '体温を3桁で押してください。37度5分なら 3、7、5 です。', en: 'Please key in your temperature as three digits. For 37.5, press 3, 7, 5.' },
  }),
};

export const SPO2: Omit<QuestionNode, 'next'> = {
  type: 'question', kind: 'number', unit: '%', min: 70, max: 100, precision: 1, keypad: 'spo2', confirm: { lte: 93 },
  text: text('パルスオキシメーターのSpO2（酸素飽和度）は何％ですか？', 'What is your SpO2 (oxygen saturation) on the pulse oximeter, in %?', 'パルスオキシメーターの SpO2は なん％ですか？', {
    sms: { ja: 'SpO2（酸素飽和度）は何％？', en: 'SpO2 (oxygen saturation) in %?' },
    voice: { ja: 'パルスオキシメーターの、酸素の数字を押して、最後にシャープを押してください。', en: 'Please key in the oxygen number from your pulse oximeter, then press hash.' },
  }),
};

export const PULSE: Omit<QuestionNode, 'next'> = {
  type: 'question', kind: 'number', unit: '回/分', min: 30, max: 200, precision: 1, keypad: 'pulse',
  text: text('脈拍は1分間に何回ですか？（パルスオキシメーターの数字）', 'What is your pulse per minute? (the number on the oximeter)', 'みゃくは 1ぷんに なんかいですか？', {
    sms: { ja: '脈拍は1分間に何回？', en: 'Pulse per minute?' },
    voice: { ja: '脈拍の数字を押して、最後にシャープを押してください。', en: 'Please key in your pulse, then press hash.' },
  }),
};

