import { sql, type SQL } from 'drizzle-orm';
import { uuidArray } from '../../../db/client';
import type { Resource } from '@medplum/fhirtypes';
import type { persons } from '../../../db/schema';
import { activeAlertScope, personScope } from '../access';
import type { Actor } from '../context';
import type { ChunkedQuery, PersonBatchedQuery } from '../reports/row-source';
import { toCondition, toEncounter, toFlag, type AlertRow } from './map-clinical';
import { toObservation, type ObservationRow } from './map-observation';
import { toPatient } from './map-patient';
import { itemTypes, toQuestionnaireResponse, type AnswerRow, type SessionRow } from './map-questionnaire';

export const EXPORT_TYPES = ['Patient', 'Condition', 'Encounter', 'Observation', 'QuestionnaireResponse', 'Flag'] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];

export interface ExportFilter {
  actor: Actor;
  /** Group/{code}/$export: only persons whose responsible centre has this id. */
  centreId: string | null;
  since: Date | null;
  identified: boolean;
}

/** Instants as ISO text and dates as text: the raw cursor rows carry no driver parsing. */
export const isoText = (col: SQL) => sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
export const sinceCond = (col: SQL, since: Date | null) => (since ? sql`and ${col} >= ${since.toISOString()}::timestamptz` : sql``);
export const centreCond = (f: ExportFilter) => (f.centreId ? sql`and persons.responsible_centre_id = ${f.centreId}::uuid` : sql``);

type RawPerson = Omit<typeof persons.$inferSelect, 'updatedAt'> & { updatedAt: string; centreCode: string };
const personOf = (r: RawPerson) => ({ ...r, updatedAt: new Date(r.updatedAt) }) as unknown as typeof persons.$inferSelect;

/** Persons in scope (Patient, Condition, Encounter are read from the person's record). */
export function personRows(f: ExportFilter, extra: SQL = sql``): ChunkedQuery<RawPerson> {
  return {
    build(after, limit) {
      return sql`select persons.id, persons.case_number as "caseNumber", persons.name, persons.name_kana as "nameKana", persons.date_of_birth::text as "dateOfBirth",
          persons.sex, persons.address, persons.phone, persons.status, persons.classification, persons.responsible_centre_id as "responsibleCentreId",
          persons.reporting_institution_id as "reportingInstitutionId", persons.onset_date::text as "onsetDate", persons.diagnosis_date::text as "diagnosisDate",
          persons.admission_date::text as "admissionDate", persons.discharge_date::text as "dischargeDate", persons.date_of_death::text as "dateOfDeath",
          ${isoText(sql`persons.updated_at`)} as "updatedAt", j.code as "centreCode"
        from persons join jurisdictions j on j.id = persons.responsible_centre_id
        where ${personScope(f.actor)} ${centreCond(f)} ${sinceCond(sql`persons.updated_at`, f.since)} ${extra}
          ${after ? sql`and persons.id > ${after.id}::uuid` : sql``}
        ${limit === null ? sql`` : sql`order by persons.id limit ${limit}`}`;
    },
  };
}

export const PERSON_RESOURCES: Record<'Patient' | 'Condition' | 'Encounter', { extra: SQL; map: (r: RawPerson, f: ExportFilter) => Resource | null }> = {
  Patient: { extra: sql``, map: (r, f) => toPatient(personOf(r), r.centreCode, f.identified) },
  Condition: { extra: sql`and persons.classification <> 'close_contact'`, map: (r) => toCondition(personOf(r)) },
  Encounter: { extra: sql`and persons.admission_date is not null`, map: (r) => toEncounter(personOf(r)) },
};

/** Person ids in scope, then each batch's rows through the person index (as the CSV export reads). */
export function personIds(f: ExportFilter): ChunkedQuery<{ id: string }> {
  return {
    build(after, limit) {
      return sql`select persons.id from persons where ${personScope(f.actor)} ${centreCond(f)}
        ${after ? sql`and persons.id > ${after.id}::uuid` : sql``}
        order by persons.id ${limit === null ? sql`` : sql`limit ${limit}`}`;
    },
  };
}

export type RawObservation = Omit<ObservationRow, 'observedAt' | 'createdAt'> & { observedAt: string; createdAt: string };
/** An observation's columns as toObservation takes them (instants as ISO text), from `observations` under the name `t`. */
export function observationColumns(t: 'o' | 'observations'): SQL {
  const c = (column: string) => sql.raw(`${t}.${column}`);
  return sql`${c('id')}, ${c('person_id')} as "personId", ${c('session_id')} as "sessionId", ${c('question_id')} as "questionId", ${c('kind')}, ${c('value_number')} as "valueNumber",
    ${c('value_text')} as "valueText", ${c('value')}, ${c('unit')}, ${isoText(c('observed_at'))} as "observedAt", ${isoText(c('created_at'))} as "createdAt"`;
}
export function observationRows(f: ExportFilter): PersonBatchedQuery<RawObservation> {
  return {
    personIds: personIds(f),
    rowsOf: (ids) => sql`select ${observationColumns('o')} from observations o where ${observationWhere(f, ids)}`,
  };
}
/** The exported observations of a batch of persons (observation-ndjson.ts builds the same rows' lines in SQL). */
export const observationWhere = (f: ExportFilter, ids: readonly string[]) =>
  sql`o.person_id = any(${uuidArray(ids)}) and o.status = 'answered' and o.kind <> 'text' ${sinceCond(sql`o.created_at`, f.since)}`;
export const mapObservation = (r: RawObservation) => toObservation(r);

type RawAlert = Omit<AlertRow, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };
export function flagRows(f: ExportFilter): PersonBatchedQuery<RawAlert> {
  return {
    personIds: personIds(f),
    rowsOf: (ids) => sql`select alerts.id, alerts.person_id as "personId", alerts.severity, alerts.reason, alerts.status, alerts.details,
        ${isoText(sql`alerts.created_at`)} as "createdAt", ${isoText(sql`alerts.updated_at`)} as "updatedAt"
      from alerts where alerts.person_id = any(${uuidArray(ids)}) and alerts.status in ('open', 'acknowledged') and ${activeAlertScope(f.actor)} ${sinceCond(sql`alerts.updated_at`, f.since)}`,
  };
}
export const mapFlag = (r: RawAlert) => toFlag({ ...r, createdAt: new Date(r.createdAt), updatedAt: new Date(r.updatedAt) });

type RawSession = Omit<SessionRow, 'authored' | 'updatedAt'> & { authored: string; updatedAt: string; definition: unknown; answers: AnswerRow[] | null };
export function sessionRows(f: ExportFilter): PersonBatchedQuery<RawSession> {
  return {
    personIds: personIds(f),
    rowsOf: (ids) => sql`select s.id, s.person_id as "personId", fl.key as "flowKey", v.version as "flowVersion", v.id as "flowVersionId", s.status,
        ${isoText(sql`coalesce(s.completed_at, s.due_at)`)} as authored, ${isoText(sql`s.updated_at`)} as "updatedAt",
        (select json_agg(json_build_object('questionId', o.question_id, 'kind', o.kind, 'valueNumber', o.value_number, 'value', o.value, 'valueText', o.value_text) order by o.observed_at)
           from observations o where o.session_id = s.id and o.status = 'answered') as answers
      from check_sessions s join flow_versions v on v.id = s.flow_version_id join flows fl on fl.id = v.flow_id
      where s.person_id = any(${uuidArray(ids)}) and s.status <> 'pending' ${sinceCond(sql`s.updated_at`, f.since)}`,
  };
}

/** Item types per flow version, read once per export (a definition is immutable once published). */
export function sessionMapper(definitions: (versionId: string) => Promise<unknown>) {
  const cache = new Map<string, ReturnType<typeof itemTypes>>();
  return async (r: RawSession) => {
    let types = cache.get(r.flowVersionId);
    if (!types) cache.set(r.flowVersionId, (types = itemTypes(r.flowKey, await definitions(r.flowVersionId))));
    return toQuestionnaireResponse({ ...r, authored: new Date(r.authored), updatedAt: new Date(r.updatedAt) }, r.answers ?? [], types);
  };
}
