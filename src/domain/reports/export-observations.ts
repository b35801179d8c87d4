import { sql } from 'drizzle-orm';
import { uuidArray } from '../../../db/client';
import { personScope } from '../access';
import type { Actor } from '../context';
import { identifiesPersons } from './export-persons';
import { channelLabel, valueLabel, type ReportLang } from './labels';
import type { PersonBatchedQuery } from './row-source';

export interface ObservationExportRow {
  id: string;
  person_id: string;
  centre_code: string;
  case_number: string;
  name: string;
  local_date: string;
  round: string;
  question_id: string;
  kind: string;
  value_json: string | null;
  unit: string | null;
  raw: string | null;
  status: string;
  channel: string;
  observed_local: string;
}

export interface ObservationRange {
  from?: string; // local date YYYY-MM-DD, inclusive
  to?: string;
}

/**
 * Every observation of the persons in the actor's scope (personScope), optionally within
 * local dates, ordered by person then time. Read a few hundred persons at a time: first
 * the ids in scope (one ordered query), then each batch's observations through
 * observations_person_time_idx. One query over the whole scope let the planner sort every
 * observation of the nation before the first row (2 minutes for a prefecture of 30 M).
 */
export function observationsQuery(actor: Actor, range: ObservationRange): PersonBatchedQuery<ObservationExportRow> {
  return {
    personIds: {
      build(after, limit) {
        return sql`select persons.id from persons where ${personScope(actor)}
          ${after ? sql`and persons.id > ${after.id}::uuid` : sql``}
          order by persons.id ${limit === null ? sql`` : sql`limit ${limit}`}`;
      },
    },
    rowsOf(ids) {
      const batch = uuidArray(ids);
      return sql`
        select o.id, o.person_id, j.code as centre_code, persons.case_number, persons.name,
          s.local_date::text as local_date, s.round, o.question_id, o.kind, o.value::text as value_json, o.unit, o.raw, o.status, o.channel,
          to_char(o.observed_at at time zone j.time_zone, 'YYYY-MM-DD HH24:MI:SS') as observed_local
        from observations o
          join persons on persons.id = o.person_id
          join check_sessions s on s.id = o.session_id
          join jurisdictions j on j.id = persons.responsible_centre_id
        where o.person_id = any(${batch}) and persons.id = any(${batch})
          ${range.from ? sql`and s.local_date >= ${range.from}::date` : sql``}
          ${range.to ? sql`and s.local_date <= ${range.to}::date` : sql``}
        order by o.person_id, o.observed_at, o.id`;
    },
  };
}

type Column = { ja: string; en: string; cell: (r: ObservationExportRow, lang: ReportLang) => unknown; identifying?: boolean };

const COLUMNS: Column[] = [
  { ja: '保健所コード', en: 'Health centre code', cell: (r) => r.centre_code },
  { ja: '整理番号', en: 'Case number', cell: (r) => r.case_number },
  { ja: '氏名', en: 'Name', cell: (r) => r.name, identifying: true },
  { ja: '観察日', en: 'Local date', cell: (r) => r.local_date },
  { ja: '回', en: 'Round', cell: (r) => r.round },
  { ja: '項目', en: 'Question', cell: (r) => r.question_id },
  { ja: '回答', en: 'Value', cell: (r, l) => (r.value_json === null ? '' : valueLabel(JSON.parse(r.value_json), l)) },
  { ja: '単位', en: 'Unit', cell: (r) => r.unit },
  { ja: '入力そのまま', en: 'As received', cell: (r) => r.raw },
  { ja: '回答状況', en: 'Status', cell: (r, l) => (r.status === 'answered' ? (l === 'ja' ? '回答' : 'answered') : l === 'ja' ? '未回答' : 'unanswered') },
  { ja: '経路', en: 'Channel', cell: (r, l) => channelLabel(r.channel, l) },
  { ja: '観察日時', en: 'Observed at', cell: (r) => r.observed_local },
];

export function observationColumns(actor: Actor, lang: ReportLang) {
  const cols = COLUMNS.filter((c) => !c.identifying || identifiesPersons(actor));
  return { header: cols.map((c) => c[lang]), cells: (r: ObservationExportRow) => cols.map((c) => c.cell(r, lang)) };
}
