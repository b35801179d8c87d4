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
const LOCAL = questionParts('\u0000');

/** A key and value of a JSON object as text, for appending to one. */
const member = (key: string, value: unknown) => JSON.stringify({ [key]: value }).slice(1, -1);

/**
 * One text row per batch of persons: the NDJSON lines of their observations (no trailing
 * newline) and how many. `json_build_object` (text, not jsonb: no binary round trip) makes
 * the common part; the value part, which differs in its keys, is appended as text.
 */
export function observationLines(f: ExportFilter, ids: readonly string[]): SQL {
  const table = Object.keys(QUESTION_CODES).map((id) => {
    const p = questionParts(id);
    return { id, profile: p.profile, category: p.category, coding: p.coding, quantity: p.quantity ? member('x', p.quantity).slice(5) : null };
  });
  const iso = (col: SQL) => sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  return sql`with codes as materialized (
        select e->>'id' as question_id, (e->'profile')::text::json as profile, (e->'category')::text::json as category, (e->'coding')::text::json as coding,
          e->>'quantity' as quantity from jsonb_array_elements(${JSON.stringify(table)}::jsonb) e),
      d as materialized (select ${JSON.stringify(LOCAL.profile)}::json as profile, ${JSON.stringify(LOCAL.category)}::json as category)
    select count(*)::int as n, string_agg(line, E'\n') as lines from (
      select left(json_build_object(
          'resourceType', 'Observation', 'id', o.id,
          'meta', json_build_object('lastUpdated', ${iso(sql`o.created_at`)}, 'profile', coalesce(c.profile, d.profile)),
          'status', 'final',
          'category', coalesce(c.category, d.category),
          'code', json_build_object('coding', coalesce(c.coding, json_build_array(json_build_object('system', ${QUESTION_SYSTEM}::text, 'code', o.question_id)))),
          'subject', json_build_object('reference', 'Patient/' || o.person_id),
          'effectiveDateTime', ${iso(sql`o.observed_at`)},
          'derivedFrom', json_build_array(json_build_object('reference', 'QuestionnaireResponse/' || o.session_id))
        )::text, -1) || ', ' || case
          when o.value_number is not null then '"valueQuantity":' || case
            when c.quantity is not null then '{"value":' || to_json(o.value_number)::text || ',' || c.quantity
            when o.unit <> '' then json_build_object('value', o.value_number, 'unit', o.unit)::text
            else json_build_object('value', o.value_number)::text end
          when jsonb_typeof(o.value) = 'boolean' then '"valueBoolean":' || o.value::text
          when o.value = '"unknown"'::jsonb then ${member('dataAbsentReason', absent('asked-unknown', 'Asked But Unknown'))}
          when jsonb_typeof(o.value) = 'array' then (
            select case when count(*) = 0 then '"valueBoolean":false'
              else '"valueBoolean":true,"component":' || json_agg(json_build_object(
                'code', json_build_object('coding', json_build_array(json_build_object('system', ${URGENT_SYSTEM}::text, 'code', e.v #>> '{}'))), 'valueBoolean', true) order by e.i)::text end
            from jsonb_array_elements(o.value) with ordinality e(v, i) where jsonb_typeof(e.v) = 'string' and e.v #>> '{}' <> 'none')
          when jsonb_typeof(o.value) = 'string' then '"valueString":' || o.value::text
          when o.value_text <> '' then '"valueString":' || to_json(o.value_text)::text
          else ${member('dataAbsentReason', absent('unknown', 'Unknown'))} end || '}' as line
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
