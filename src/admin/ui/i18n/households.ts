import type { Dictionary } from '../i18n';

/** Words of households (proxy reporting) and facilities (README: "Households, facilities and languages"). */
export const households: Dictionary = {
  'household.title': { ja: '世帯（代理報告）', en: 'Household (proxy reporting)' },
  'household.none': { ja: '世帯に登録されていません', en: 'Not in a household' },
  'household.number': { ja: '世帯番号', en: 'Household number' },
  'household.reporter': { ja: '報告者', en: 'Reporter' },
  'household.relation': { ja: '続柄', en: 'Relation' },
  'household.age': { ja: '{age}歳', en: 'age {age}' },
  'household.create': { ja: 'この人を報告者として世帯を作る', en: 'Create a household with this person as reporter' },
  'household.addMember': { ja: '世帯員を追加（患者ID）', en: 'Add a member (case number)' },
  'household.add': { ja: '追加', en: 'Add' },
  'household.remove': { ja: '世帯から外す（転出）', en: 'Move out of the household' },
  'household.makeReporter': { ja: '報告者にする', en: 'Make reporter' },
  'household.actions': { ja: '世帯全員に', en: 'For the whole household' },
  'household.sendCheck': { ja: '今すぐ健康観察を送る', en: 'Send a check now' },
  'household.endMonitoring': { ja: '健康観察を終了', en: 'End monitoring' },
  'household.setChannel': { ja: '連絡手段を変更', en: 'Change the channel' },
  'household.order': { ja: '報告者の会話では、報告者 → 世帯員の順に1人ずつ伺います。', en: 'The reporter is asked about themselves first, then each member in turn.' },
  'household.answeredBy': { ja: '回答者: {who}', en: 'Answered by {who}' },
  'household.formLegend': { ja: '世帯員として登録（任意：保護者・家族が代わりに回答）', en: 'Register as a household member (optional: a parent or family member answers)' },
  'field.householdReporterCase': { ja: '報告者の患者ID', en: "Reporter's case number" },
  'field.householdRelation': { ja: '続柄', en: 'Relation' },
  'facility.nonResponder': { ja: '施設の未記入', en: 'Facility: residents not reported' },
};
