import type { QuestionNode } from '../definition/schema.js';
import { text } from './build.js';

/**
 * The measured values shared by the default flows. Precision: temperature 0.1 ℃, SpO2
 * and pulse whole numbers. min/max is what a reading can be at all: outside it (45 ℃,
 * SpO2 0 or 120 %) the person is asked to measure again. A reading that is possible but
 * critical or unusual is read back (`confirm`) and, once confirmed, recorded and judged by
 * the rules — never dropped as a "measuring error": SpO2 ≤ 93 (a 68 % may be real), a pulse
 * under 40 or over 150, and on the phone a temperature ≥ 37.5. `next` is set by each flow.
 */
export const TEMPERATURE: Omit<QuestionNode, 'next'> = {
  type: 'question', kind: 'number', unit: '℃', min: 34, max: 42, precision: 0.1, keypad: 'temperature',
  // The last reading as 「参考」 after the question; no 「前回と同じ」 by default (a centre enables it for stable readings).
  previous: { hint: true },
  // On the phone a fever typed on the keypad is read back (「37度8分ですね」): 375 vs 385 matters.
  confirm: { gte: 37.5, channels: ['voice'] },
  text: text('今日の体温は何度ですか？（例: 36.8）', 'What is your temperature today? (e.g. 36.8)', 'きょうの たいおんは なんどですか？（れい: 36.8）', {
    sms: { ja: '今日の体温は？（例: 36.8）', en: 'Temperature today? (e.g. 36.8)' },
    voice: { ja: '体温を3桁で押してください。37度5分なら 3、7、5 です。', en: 'Please key in your temperature as three digits. For 37.5, press 3, 7, 5.' },
  }),
};

/** 1–100: 0 and over 100 cannot be a reading; everything ≤ 93 is read back, then recorded. */
const SPO2_READING = { type: 'question', kind: 'number', unit: '%', min: 1, max: 100, precision: 1, keypad: 'spo2', confirm: { lte: 93 } } as const;

export const SPO2: Omit<QuestionNode, 'next'> = {
  ...SPO2_READING,
  text: text('パルスオキシメーターのSpO2（酸素飽和度）は何％ですか？', 'What is your SpO2 (oxygen saturation) on the pulse oximeter, in %?', 'パルスオキシメーターの SpO2は なん％ですか？', {
    sms: { ja: 'SpO2（酸素飽和度）は何％？', en: 'SpO2 (oxygen saturation) in %?' },
    voice: { ja: 'パルスオキシメーターの酸素の数字を押して、最後にシャープを押してください。', en: 'Please key in the oxygen number from your pulse oximeter, then press hash.' },
  }),
};

/** The second reading after a 94–95 %: asked at once, judged on its own (spo2_again_critical). */
export const SPO2_AGAIN: Omit<QuestionNode, 'next'> = {
  ...SPO2_READING,
  text: text(
    'SpO2が94〜95%と少し低めです。1分ほど楽な姿勢で休んでから、もう一度測って、数字を送ってください。',
    'Your SpO2 is a little low (94–95 %). Rest comfortably for about a minute, then measure again and send the number.',
    'SpO2が すこし ひくいです。1ぷん やすんでから もう いちど はかって、すうじを おくって ください。',
    {
      sms: { ja: 'SpO2がやや低めです。1分休んでから測り直した数字は？', en: 'SpO2 a little low. Rest 1 min, measure again: the number?' },
      voice: {
        ja: 'SpO2が少し低めです。1分ほど休んでから、もう一度測ってください。測れたら、酸素の数字を押して、最後にシャープを押してください。',
        en: 'Your SpO2 is a little low. Rest for a minute, then measure again. Then key in the oxygen number and press hash.',
      },
    },
  ),
};

export const PULSE: Omit<QuestionNode, 'next'> = {
  type: 'question', kind: 'number', unit: '回/分', min: 20, max: 250, precision: 1, keypad: 'pulse', confirm: { lte: 39, gte: 151 },
  previous: { hint: true },
  text: text('脈拍は1分間に何回ですか？（パルスオキシメーターの数字）', 'What is your pulse per minute? (the number on the oximeter)', 'みゃくは 1ぷんに なんかいですか？', {
    sms: { ja: '脈拍は1分間に何回？', en: 'Pulse per minute?' },
    voice: { ja: '脈拍の数字と、シャープを押してください。', en: 'Please key in your pulse, then hash.' },
  }),
};
