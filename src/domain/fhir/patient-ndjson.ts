import { sql, type SQL } from 'drizzle-orm';
import { queryRows, uuidArray, type DbHandle } from '../../../db/client';
import type { ReadOptions } from '../reports/row-source';
import { caseNumberSystem, EN_REPRESENTATION, JP_PATIENT } from './codes';
import { type ExportFilter, isoText, personIds, sinceCond } from './export-queries';
import { batchLines, type NdjsonChunk } from './sql-ndjson';

/**
 * The Bulk Data export's Patient lines, built by PostgreSQL as text: the same resource
 * `toPatient` (map-patient.ts) makes — tests/fhir/patient-ndjson.test.ts compares them for
 * every shape of name, kana, phone, birth date, address, status and death, identified or
 * not. Every value a person typed goes through to_json (JSON escaping); ids are uuids.
 */

// What JavaScript's \s and String.prototype.trim treat as white space (humanName splits and trims on it).
const WS = '[\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+';
const trimmed = (col: SQL) => sql`regexp_replace(${col}, ${`^${WS}|${WS}$`}, '', 'g')`;

/** humanName of map-patient.ts: text, family = the first part, given = the rest (when there is more than one). */
const humanName = (text: SQL, parts: SQL, representation: 'IDE' | 'SYL') =>
  sql`${`{"extension":[{"url":${JSON.stringify(EN_REPRESENTATION)},"valueCode":"${representation}"}],"use":"official","text":`} || to_json(${text})::text
    || ',"family":' || to_json(${parts}[1])::text || case when cardinality(${parts}) > 1 then ',"given":' || to_json(${parts}[2:])::text else '' end || '}'`;

/** Name, phone, birth date and address: only for a client that may see who the person is. */
const identity = sql`',"name":[' || ${humanName(sql`n.name`, sql`n.name_parts`, 'IDE')}
    || case when coalesce(p.name_kana, '') <> '' then ',' || ${humanName(sql`n.kana`, sql`n.kana_parts`, 'SYL')} else '' end || ']'
  || case when coalesce(p.phone, '') <> '' then ',"telecom":[{"system":"phone","value":' || to_json(p.phone)::text || ',"use":"mobile"}]' else '' end
  || case when p.date_of_birth is not null then ',"birthDate":"' || p.date_of_birth::text || '"' else '' end
  || case when coalesce(p.address, '') <> '' then ',"address":[{"use":"home","text":' || to_json(p.address)::text || ',"country":"JP"}]' else '' end`;

/** One text row per batch of persons: their Patient lines (no trailing newline, in id order) and how many. */
export function patientLines(f: ExportFilter, ids: readonly string[]): SQL {
  return sql`select count(*)::int as n, string_agg(line, E'\n' order by id) as lines from (
      select p.id, ${`{"resourceType":"Patient","meta":{"profile":${JSON.stringify([JP_PATIENT])},"lastUpdated":"`} || ${isoText(sql`p.updated_at`)}
        || '"},"id":"' || p.id || '","identifier":[{"system":' || to_json(${caseNumberSystem('')} || j.code)::text || ',"value":' || to_json(p.case_number)::text || '}]'
        || ',"active":' || case when p.status in ('monitoring_ended', 'deceased') then 'false' else 'true' end
        || ${f.identified ? identity : sql`''`}
        || ',"gender":' || to_json(p.sex)::text
        || case when p.date_of_death is not null then ',"deceasedDateTime":"' || p.date_of_death::text || '"' else '' end
        || ',"managingOrganization":{"reference":"Organization/' || p.responsible_centre_id || '"}}' as line
      from persons p join jurisdictions j on j.id = p.responsible_centre_id
        cross join lateral (select name, regexp_split_to_array(name, ${WS}) as name_parts, kana, regexp_split_to_array(kana, ${WS}) as kana_parts
          from (select ${trimmed(sql`p.name`)} as name, ${trimmed(sql`p.name_kana`)} as kana) t) n
      where p.id = any(${uuidArray(ids)}) ${sinceCond(sql`p.updated_at`, f.since)}) lines`;
}

/** Chunks of Patient NDJSON, a batch of persons at a time (the persons in scope, as every type reads). */
export function patientNdjson(handle: DbHandle, f: ExportFilter, opts: ReadOptions = {}): AsyncGenerator<NdjsonChunk> {
  return batchLines(handle, personIds(f), (ids) => queryRows<{ n: number; lines: string | null }>(handle.db, patientLines(f, ids)).then((r) => r[0]), opts);
}
