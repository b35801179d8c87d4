import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type DbHandle } from '../../../db/client';
import type { ReadOptions } from '../reports/row-source';
import { QUESTION_CODES, URGENT_SYSTEM } from './codes';
import { type ExportFilter, isoText, observationWhere, personIds } from './export-queries';
import { absent, questionParts } from './map-observation';
import { batchLines, type NdjsonChunk } from './sql-ndjson';

/**
 * The Bulk Data export's Observation lines, built by PostgreSQL: the same resource
 * `toObservation` makes (tests/fhir/observation-ndjson.test.ts compares them for every code,
 * unit and value shape), so Node only writes text. What depends on the question (profiles,
 * categories, codings, UCUM quantity) is not written in SQL: it is `questionParts` of
 * map-observation.ts for every question of codes.ts, as ready JSON text (one parameter),
 * plus the same for a locally written question (`question#<id>`, JP_Observation_Common).
 *
 * Cost per row is what matters (tens of thousands a second): the line is plain text
 * concatenation — the question's constant head, then the row's ids and instants (ids are
 * uuids, safe in JSON as they are) — with no json_build_object or jsonb→json conversion.
 * Key order differs from toObservation's; the resources are equal.
 */

/** A key and value of a JSON object as text, for appending to one. */
const member = (key: string, value: unknown) => JSON.stringify({ [key]: value }).slice(1, -1);

/** The constant start of a question's line, up to the open `lastUpdated` string. */
function headOf(questionId: string): string {
  const p = questionParts(questionId);
  return `{"resourceType":"Observation","status":"final",${member('category', p.category)},${member('code', { coding: p.coding })},"meta":{${member('profile', p.profile)},"lastUpdated":"`;
}
// A locally written question's head is the same around its (escaped) id.
const MARK = '\u0000';
const [LOCAL_PRE, LOCAL_POST] = headOf(MARK).split(JSON.stringify(MARK)) as [string, string];

const TABLE = JSON.stringify(
  Object.keys(QUESTION_CODES).map((id) => {
    const q = questionParts(id).quantity;
    return { id, head: headOf(id), quantity: q ? member('x', q).slice(5) : null };
  }),
);

/**
 * One text row per batch of persons: the NDJSON lines of their observations (no trailing
 * newline) and how many. The value part, which differs in its keys, is chosen per row.
 */
export function observationLines(f: ExportFilter, ids: readonly string[]): SQL {
  return sql`with codes as materialized (select * from json_to_recordset(${TABLE}::json) as t(id text, head text, quantity text))
    select count(*)::int as n, string_agg(line, E'\n') as lines from (
      select coalesce(c.head, ${LOCAL_PRE} || to_json(o.question_id)::text || ${LOCAL_POST}) || ${isoText(sql`o.created_at`)}
        || '"},"id":"' || o.id || '","subject":{"reference":"Patient/' || o.person_id || '"},"effectiveDateTime":"' || ${isoText(sql`o.observed_at`)}
        || '","derivedFrom":[{"reference":"QuestionnaireResponse/' || o.session_id || '"}],' || case
          when o.value_number is not null then '"valueQuantity":' || case
            when c.quantity is not null then '{"value":' || to_json(o.value_number)::text || ',' || c.quantity
            when o.unit <> '' then '{"value":' || to_json(o.value_number)::text || ',"unit":' || to_json(o.unit)::text || '}'
            else '{"value":' || to_json(o.value_number)::text || '}' end
          when jsonb_typeof(o.value) = 'boolean' then '"valueBoolean":' || o.value::text
          when o.value = '"unknown"'::jsonb then ${member('dataAbsentReason', absent('asked-unknown', 'Asked But Unknown'))}
          when jsonb_typeof(o.value) = 'array' then (
            select case when count(*) = 0 then '"valueBoolean":false'
              else '"valueBoolean":true,"component":[' || string_agg(${`{"code":{"coding":[{"system":${JSON.stringify(URGENT_SYSTEM)},"code":`} || to_json(e.v #>> '{}')::text || '}]},"valueBoolean":true}', ',' order by e.i) || ']' end
            from jsonb_array_elements(o.value) with ordinality e(v, i) where jsonb_typeof(e.v) = 'string' and e.v #>> '{}' <> 'none')
          when jsonb_typeof(o.value) = 'string' then '"valueString":' || o.value::text
          when o.value_text <> '' then '"valueString":' || to_json(o.value_text)::text
          else ${member('dataAbsentReason', absent('unknown', 'Unknown'))} end || '}' as line
      from observations o left join codes c on c.id = o.question_id
      where ${observationWhere(f, ids)}) lines`;
}

/** Chunks of NDJSON text (each ends with a newline) with their resource counts, a batch of persons at a time. */
export function observationNdjson(handle: DbHandle, f: ExportFilter, opts: ReadOptions = {}): AsyncGenerator<NdjsonChunk> {
  return batchLines(handle, personIds(f), (ids) => queryRows<{ n: number; lines: string | null }>(handle.db, observationLines(f, ids)).then((r) => r[0]), opts);
}
