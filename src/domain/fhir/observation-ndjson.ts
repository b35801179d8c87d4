import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type DbHandle } from '../../../db/client';
import { readInChunks, type ReadOptions, PERSON_BATCH } from '../reports/row-source';
import { QUESTION_CODES, QUESTION_SYSTEM, URGENT_SYSTEM } from './codes';
import { type ExportFilter, observationWhere, personIds } from './export-queries';
import { absent, questionParts } from './map-observation';

/**
 * The Bulk Data export's Observation lines, built by PostgreSQL: the same resource
 * `toObservation` makes (tests/fhir/observation-ndjson.test.ts compares them for every code,
 * unit and value shape), so Node only writes text. What depends on the question (profiles,
 * categories, codings, UCUM quantity) is not written in SQL: it is `questionParts` of
 * map-observation.ts for every question of codes.ts, passed as one JSON parameter, plus the
 * parts of a locally written question (`question#<id>`, JP_Observation_Common, survey).
 */
function codeTable(): string {
  return JSON.stringify(Object.fromEntries(Object.keys(QUESTION_CODES).map((id) => [id, questionParts(id)])));
}
const LOCAL = questionParts('\u0000');

/** One text row per batch of persons: the NDJSON lines of their observations (no trailing newline) and how many. */
export function observationLines(f: ExportFilter, ids: readonly string[]): SQL {
  const unknown = JSON.stringify({ dataAbsentReason: absent('unknown', 'Unknown') });
  const askedUnknown = JSON.stringify({ dataAbsentReason: absent('asked-unknown', 'Asked But Unknown') });
  return sql`with codes as materialized (select key as question_id, value as parts from jsonb_each(${codeTable()}::jsonb)),
      d as materialized (select ${JSON.stringify(LOCAL.profile)}::jsonb as profile, ${JSON.stringify(LOCAL.category)}::jsonb as category,
        ${unknown}::jsonb as unknown, ${askedUnknown}::jsonb as asked_unknown)
    select count(*)::int as n, string_agg(line, E'\n') as lines from (
      select (jsonb_build_object(
          'resourceType', 'Observation', 'id', o.id,
          'meta', jsonb_build_object('lastUpdated', to_char(o.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'profile', coalesce(c.parts->'profile', d.profile)),
          'status', 'final',
          'category', coalesce(c.parts->'category', d.category),
          'code', jsonb_build_object('coding', coalesce(c.parts->'coding', jsonb_build_array(jsonb_build_object('system', ${QUESTION_SYSTEM}::text, 'code', o.question_id)))),
          'subject', jsonb_build_object('reference', 'Patient/' || o.person_id),
          'effectiveDateTime', to_char(o.observed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'derivedFrom', jsonb_build_array(jsonb_build_object('reference', 'QuestionnaireResponse/' || o.session_id))
        ) || case
          when o.value_number is not null then jsonb_build_object('valueQuantity', case
            when jsonb_typeof(c.parts->'quantity') = 'object' then jsonb_build_object('value', o.value_number) || (c.parts->'quantity')
            when o.unit <> '' then jsonb_build_object('value', o.value_number, 'unit', o.unit)
            else jsonb_build_object('value', o.value_number) end)
          when jsonb_typeof(o.value) = 'boolean' then jsonb_build_object('valueBoolean', o.value)
          when o.value = '"unknown"'::jsonb then d.asked_unknown
          when jsonb_typeof(o.value) = 'array' then (
            select case when count(*) = 0 then '{"valueBoolean": false}'::jsonb
              else jsonb_build_object('valueBoolean', true, 'component', jsonb_agg(jsonb_build_object(
                'code', jsonb_build_object('coding', jsonb_build_array(jsonb_build_object('system', ${URGENT_SYSTEM}::text, 'code', e.v #>> '{}'))), 'valueBoolean', true) order by e.i)) end
            from jsonb_array_elements(o.value) with ordinality e(v, i) where jsonb_typeof(e.v) = 'string' and e.v #>> '{}' <> 'none')
          when jsonb_typeof(o.value) = 'string' then jsonb_build_object('valueString', o.value)
          when o.value_text <> '' then jsonb_build_object('valueString', o.value_text)
          else d.unknown end)::text as line
      from observations o cross join d left join codes c on c.question_id = o.question_id
      where ${observationWhere(f, ids)}) lines`;
}

/** Chunks of NDJSON text (each ends with a newline) with their resource counts, a batch of persons at a time. */
export async function* observationNdjson(handle: DbHandle, f: ExportFilter, opts: ReadOptions = {}): AsyncGenerator<{ count: number; text: string }> {
  for await (const ids of readInChunks(handle, personIds(f), { ...opts, chunk: opts.chunk ?? PERSON_BATCH })) {
    const [row] = await queryRows<{ n: number; lines: string | null }>(handle.db, observationLines(f, ids.map((r) => r.id)));
    if (row && row.n > 0 && row.lines) yield { count: row.n, text: row.lines + '\n' };
  }
}
