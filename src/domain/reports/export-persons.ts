import { sql } from 'drizzle-orm';
import { personScope } from '../access';
import { showsIdentifiers } from '../personal-identifiers';
import type { Actor } from '../context';
import { classificationLabel, channelLabel, sexLabel, statusLabel, type ReportLang } from './labels';
import { formatPhoneForStaff } from '../../platform/text/phone-number';
import type { ChunkedQuery } from './row-source';

export interface PersonExportRow {
  id: string;
  centre_id: string;
  case_number: string;
  centre_code: string;
  centre_name: string;
  name: string;
  name_kana: string | null;
  date_of_birth: string | null;
  age: number | null;
  sex: string;
  phone: string | null;
  address: string | null;
  classification: string;
  status: string;
  onset_date: string | null;
  diagnosis_date: string | null;
  monitoring_start: string | null;
  monitoring_planned_end: string | null;
  monitoring_actual_end: string | null;
  preferred_channel: string;
  risk_factors: string;
  underlying_conditions: string;
  created_at: string;
}

/** Whether the actor's export has names, birth dates, phones and addresses, or is pseudonymous: the role's identifier access. */
export const identifiesPersons = (actor: Actor) => showsIdentifiers(actor, 'export');

/**
 * The persons in the actor's scope (personScope — the one access rule), ordered by health
 * centre and case number, the unique key the keyset pages on. Dates as text so both
 * drivers give the same cells.
 */
export function personsQuery(actor: Actor, today: string): ChunkedQuery<PersonExportRow> {
  return {
    build(after, limit) {
      const page = after ? sql`and (persons.responsible_centre_id, persons.case_number) > (${after.centre_id}::uuid, ${after.case_number})` : sql``;
      return sql`
        select persons.id, persons.responsible_centre_id as centre_id, persons.case_number, j.code as centre_code, j.name_ja as centre_name,
          persons.name, persons.name_kana, persons.date_of_birth::text as date_of_birth,
          case when persons.date_of_birth is null then null else extract(year from age(${today}::date, persons.date_of_birth))::int end as age,
          persons.sex, persons.phone, persons.address, persons.classification, persons.status,
          persons.onset_date::text as onset_date, persons.diagnosis_date::text as diagnosis_date,
          persons.monitoring_start::text as monitoring_start, persons.monitoring_planned_end::text as monitoring_planned_end,
          persons.monitoring_actual_end::text as monitoring_actual_end, persons.preferred_channel,
          array_to_string(array(select jsonb_array_elements_text(persons.risk_factors)), ';') as risk_factors,
          array_to_string(array(select jsonb_array_elements_text(persons.underlying_conditions)), ';') as underlying_conditions,
          to_char(persons.created_at at time zone j.time_zone, 'YYYY-MM-DD HH24:MI') as created_at
        from persons join jurisdictions j on j.id = persons.responsible_centre_id
        where ${personScope(actor)} ${page}
        order by persons.responsible_centre_id, persons.case_number
        ${limit === null ? sql`` : sql`limit ${limit}`}`;
    },
  };
}

type Column = { ja: string; en: string; cell: (r: PersonExportRow, lang: ReportLang) => unknown; identifying?: boolean };

const COLUMNS: Column[] = [
  { ja: '保健所コード', en: 'Health centre code', cell: (r) => r.centre_code },
  { ja: '担当保健所', en: 'Health centre', cell: (r) => r.centre_name },
  { ja: '整理番号', en: 'Case number', cell: (r) => r.case_number },
  { ja: '氏名', en: 'Name', cell: (r) => r.name, identifying: true },
  { ja: '氏名（カナ）', en: 'Name (kana)', cell: (r) => r.name_kana, identifying: true },
  { ja: '生年月日', en: 'Date of birth', cell: (r) => r.date_of_birth, identifying: true },
  { ja: '年齢', en: 'Age', cell: (r) => r.age },
  { ja: '性別', en: 'Sex', cell: (r, l) => sexLabel(r.sex, l) },
  { ja: '電話番号', en: 'Phone', cell: (r) => formatPhoneForStaff(r.phone), identifying: true },
  { ja: '住所', en: 'Address', cell: (r) => r.address, identifying: true },
  { ja: '分類', en: 'Classification', cell: (r, l) => classificationLabel(r.classification, l) },
  { ja: '状態', en: 'Status', cell: (r, l) => statusLabel(r.status, l) },
  { ja: '発症日', en: 'Onset date', cell: (r) => r.onset_date },
  { ja: '診断日', en: 'Diagnosis date', cell: (r) => r.diagnosis_date },
  { ja: '健康観察開始日', en: 'Monitoring start', cell: (r) => r.monitoring_start },
  { ja: '健康観察終了予定日', en: 'Monitoring planned end', cell: (r) => r.monitoring_planned_end },
  { ja: '健康観察終了日', en: 'Monitoring ended', cell: (r) => r.monitoring_actual_end },
  { ja: '連絡手段', en: 'Channel', cell: (r, l) => channelLabel(r.preferred_channel, l) },
  { ja: '重症化リスク因子', en: 'Risk factors', cell: (r) => r.risk_factors },
  { ja: '基礎疾患', en: 'Underlying conditions', cell: (r) => r.underlying_conditions },
  { ja: '登録日時', en: 'Registered at', cell: (r) => r.created_at },
];

/** The header and a row → cells function for the actor (identifying columns only when the role sees them). */
export function personColumns(actor: Actor, lang: ReportLang) {
  const cols = COLUMNS.filter((c) => !c.identifying || identifiesPersons(actor));
  return { header: cols.map((c) => c[lang]), cells: (r: PersonExportRow) => cols.map((c) => c.cell(r, lang)) };
}
