import { z } from 'zod';
import { SEXES } from '../../../db/schema';
import type { FieldError } from '../errors';
import { normalisePhone } from '../persons/person-input';
import { TEST_METHODS, TEST_RESULTS } from '../persons/test-records';

/** 診断分類 (感染症法 発生届): how the case is classified, and what it becomes on acceptance. */
export const DIAGNOSIS_CLASSES = ['confirmed', 'asymptomatic', 'suspected', 'infected_deceased', 'suspected_deceased'] as const;
export type DiagnosisClass = (typeof DIAGNOSIS_CLASSES)[number];
export const DIAGNOSIS_CLASS_JA: Record<DiagnosisClass, string> = {
  confirmed: '患者（確定例）',
  asymptomatic: '無症状病原体保有者',
  suspected: '疑似症患者',
  infected_deceased: '感染症死亡者の死体',
  suspected_deceased: '感染症死亡疑い者の死体',
};

/** Symptoms offered as check boxes (the form's 症状); other words may be typed. */
export const SYMPTOMS_JA: Record<string, string> = {
  fever: '発熱', cough: '咳', sore_throat: '咽頭痛', dyspnoea: '呼吸困難', fatigue: '全身倦怠感', headache: '頭痛',
  taste_smell: '味覚・嗅覚障害', pneumonia: '肺炎像', diarrhoea: '下痢', runny_nose: '鼻汁・鼻閉',
};

const blank = (v: unknown) => (v === '' || v === null ? undefined : v);
const date = z.preprocess(blank, z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }).optional());
const text = (max: number) => z.preprocess(blank, z.string().trim().max(max, `must be at most ${max} characters`).optional());
const phone = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() ? normalisePhone(v) : undefined),
  z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number such as 090-1234-5678 or +819012345678').optional(),
);

/**
 * The 発生届 items a clinician enters. Every item may be missing in a draft; on submission
 * requiredProblems() names what is still missing, in Japanese.
 */
export const notificationFieldsSchema = z
  .object({
    name: text(100),
    nameKana: text(100),
    sex: z.preprocess(blank, z.enum(SEXES).optional()),
    dateOfBirth: date,
    address: text(300),
    phone,
    diagnosisClass: z.preprocess(blank, z.enum(DIAGNOSIS_CLASSES).optional()),
    symptoms: z.array(z.string().trim().min(1).max(60, 'must be at most 60 characters')).max(30).default([]),
    specimenDate: date, // 検体採取日
    testMethod: z.preprocess(blank, z.enum(TEST_METHODS).optional()),
    testResult: z.preprocess(blank, z.enum(TEST_RESULTS).optional()),
    diagnosisDate: date,
    onsetDate: date,
    infectionRoute: text(300), // 感染経路 (飛沫・接触 … 推定される状況)
    infectionRegion: z.preprocess(blank, z.enum(['domestic', 'abroad']).optional()), // 感染地域
    infectionRegionDetail: text(100), // 都道府県・市区町村 / 国名
    admitted: z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : blank(v)), z.boolean().optional()), // 届出時点の入院の有無
    admissionDate: date,
    // 居住地を管轄する保健所: where the notification goes; default the institution's own centre.
    residenceCentreCode: text(40),
    note: text(2000),
  })
  .strict();
export type NotificationFields = z.infer<typeof notificationFieldsSchema>;

const required = (field: string, ja: string): FieldError => ({ field, message: 'is required', messageJa: `${ja}を入力してください` });

/** What a notification still lacks before it can be submitted (the form's 必須項目). */
export function requiredProblems(f: NotificationFields, today: string): FieldError[] {
  const p: FieldError[] = [];
  if (!f.name) p.push(required('name', '氏名'));
  if (!f.nameKana) p.push(required('nameKana', 'フリガナ'));
  if (!f.sex) p.push({ field: 'sex', message: 'is required', messageJa: '性別を選んでください' });
  if (!f.dateOfBirth) p.push(required('dateOfBirth', '生年月日'));
  if (!f.address) p.push(required('address', '住所'));
  if (!f.diagnosisClass) p.push({ field: 'diagnosisClass', message: 'is required', messageJa: '診断分類を選んでください' });
  if (!f.diagnosisDate) p.push(required('diagnosisDate', '診断日'));
  const tested = f.diagnosisClass !== 'suspected' && f.diagnosisClass !== 'suspected_deceased';
  if (tested && !f.testMethod) p.push({ field: 'testMethod', message: 'is required for a confirmed case', messageJa: '確定例・無症状病原体保有者は検査方法を選んでください' });
  if (tested && !f.specimenDate) p.push({ field: 'specimenDate', message: 'is required for a confirmed case', messageJa: '確定例・無症状病原体保有者は検体採取日を入力してください' });
  if (tested && f.testResult && f.testResult !== 'positive') p.push({ field: 'testResult', message: 'must be positive for a confirmed case', messageJa: '確定例・無症状病原体保有者の検査結果は陽性です' });
  const symptomatic = f.diagnosisClass === 'confirmed' || f.diagnosisClass === 'suspected';
  if (symptomatic && !f.onsetDate) p.push(required('onsetDate', '発症日'));
  if (symptomatic && !f.symptoms.length) p.push({ field: 'symptoms', message: 'at least one symptom is required', messageJa: '症状を1つ以上選んでください' });
  if (f.admitted === undefined) p.push({ field: 'admitted', message: 'is required', messageJa: '届出時点の入院の有無を選んでください' });
  for (const [field, ja] of [['dateOfBirth', '生年月日'], ['diagnosisDate', '診断日'], ['onsetDate', '発症日'], ['specimenDate', '検体採取日']] as const) {
    const d = f[field];
    if (d && d > today) p.push({ field, message: 'must not be in the future', messageJa: `${ja}に未来の日付は入力できません` });
  }
  if (f.onsetDate && f.diagnosisDate && f.diagnosisDate < f.onsetDate) p.push({ field: 'diagnosisDate', message: 'must not be before the onset date', messageJa: '診断日は発症日より前にはできません' });
  if (f.dateOfBirth && f.onsetDate && f.onsetDate < f.dateOfBirth) p.push({ field: 'onsetDate', message: 'must not be before the date of birth', messageJa: '発症日は生年月日より前にはできません' });
  return p;
}
