import type { Classification, PersonStatus } from '../../../db/schema';

export type ReportLang = 'ja' | 'en';

/** Words for codes in exports and the dashboard; codes stay the data, labels are for people. */
const STATUS: Record<PersonStatus, [string, string]> = {
  close_contact: ['濃厚接触者（健康観察中）', 'Close contact (monitoring)'],
  home_recuperation: ['自宅療養', 'Home recuperation'],
  hotel_recuperation: ['宿泊療養', 'Hotel recuperation'],
  hospitalized: ['入院', 'Hospitalized'],
  hospitalized_severe: ['入院（重症）', 'Hospitalized (severe)'],
  monitoring_ended: ['健康観察終了', 'Monitoring ended'],
  deceased: ['死亡', 'Deceased'],
};
const CLASSIFICATION: Record<Classification, [string, string]> = {
  confirmed: ['確定患者', 'Confirmed'],
  suspected: ['疑似症患者', 'Suspected'],
  asymptomatic: ['無症状病原体保有者', 'Asymptomatic carrier'],
  close_contact: ['濃厚接触者', 'Close contact'],
};
const SEX: Record<string, [string, string]> = { male: ['男', 'Male'], female: ['女', 'Female'], other: ['その他', 'Other'], unknown: ['不明', 'Unknown'] };
const CHANNEL: Record<string, [string, string]> = { line: ['LINE', 'LINE'], sms: ['SMS', 'SMS'], voice: ['自動音声電話', 'Voice call'], web: ['ウェブ', 'Web'] };

const pick = (table: Record<string, [string, string]>, code: string | null, lang: ReportLang) => {
  if (code === null) return '';
  const entry = table[code];
  return entry ? entry[lang === 'ja' ? 0 : 1] : code;
};

export const statusLabel = (code: string | null, lang: ReportLang) => pick(STATUS, code, lang);
export const classificationLabel = (code: string | null, lang: ReportLang) => pick(CLASSIFICATION, code, lang);
export const sexLabel = (code: string | null, lang: ReportLang) => pick(SEX, code, lang);
export const channelLabel = (code: string | null, lang: ReportLang) => pick(CHANNEL, code, lang);

/** An observation's stored value as one cell: はい/いいえ/わからない, choices joined by ';'. */
export function valueLabel(value: unknown, lang: ReportLang): string {
  if (value === null || value === undefined) return '';
  if (value === true) return lang === 'ja' ? 'はい' : 'yes';
  if (value === false) return lang === 'ja' ? 'いいえ' : 'no';
  if (value === 'unknown') return lang === 'ja' ? 'わからない' : 'unknown';
  if (Array.isArray(value)) return value.join(';');
  return String(value);
}
