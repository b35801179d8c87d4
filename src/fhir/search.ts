import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { Context } from 'hono';
import { ValidationError } from '../domain/errors';
import { parseDateParam, type DateRange } from '../domain/fhir/date-param';
import { FhirRequestError } from './outcome';

export const DEFAULT_COUNT = 50;
export const MAX_COUNT = 1000;
/** Parameters every search understands: paging and the format (JSON only). */
const COMMON = ['_count', '_offset', '_format'];
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NO_MATCH = '00000000-0000-0000-0000-000000000000';

export interface ParsedSearch {
  /** Each known parameter's values (a repeated parameter is ANDed; commas inside one are ORs). */
  get(name: string): string[] | undefined;
  dates(name: string): DateRange[] | undefined;
  /** Reference values (Patient/{id} or {id}) as ids; a value that is no id matches nothing. */
  refs(name: string, type: string): string[] | undefined;
  count: number;
  offset: number;
  /** The parameters used, for Bundle.link self / next. */
  used: [string, string][];
}

/**
 * Read a search's query: `allowed` parameters plus paging. Unknown ones are refused with 400
 * under `Prefer: handling=strict`, and ignored (left out of the self link) otherwise.
 */
export function parseSearch(c: Context, allowed: readonly string[]): ParsedSearch {
  const url = new URL(c.req.url);
  const strict = /handling\s*=\s*strict/i.test(c.req.header('prefer') ?? '');
  const values = new Map<string, string[]>();
  const used: [string, string][] = [];
  for (const [k, v] of url.searchParams) {
    if (!allowed.includes(k) && !COMMON.includes(k)) {
      if (strict) throw new FhirRequestError(400, 'not-supported', `unknown search parameter ${k}`, `検索パラメータ ${k} には対応していません`, [k]);
      continue;
    }
    if (k === '_format' && !/json/.test(v)) throw new FhirRequestError(406, 'not-supported', 'only JSON (application/fhir+json) is supported', 'JSON（application/fhir+json）のみに対応しています');
    values.set(k, [...(values.get(k) ?? []), v]);
    if (k !== '_offset') used.push([k, v]);
  }
  const int = (name: string, dflt: number, max: number) => {
    const raw = values.get(name)?.[0];
    if (raw === undefined) return dflt;
    if (!/^\d+$/.test(raw)) throw new FhirRequestError(400, 'invalid', `${name} must be a whole number`, `${name} は整数で指定してください`, [name]);
    return Math.min(Number(raw), max);
  };
  return {
    get: (name) => values.get(name),
    dates: (name) =>
      values.get(name)?.map((v) => {
        try {
          return parseDateParam(name, v);
        } catch (err) {
          // A bad search value is a bad request (400), not a record that failed validation.
          if (err instanceof ValidationError) throw new FhirRequestError(400, 'invalid', err.message, err.messageJa ?? err.message, [name]);
          throw err;
        }
      }),
    refs: (name, type) =>
      values.get(name)?.map((v) =>
        v
          .split(',')
          .map((x) => x.replace(new RegExp(`^(.*/)?${type}/`), ''))
          .map((x) => (UUID_RE.test(x) ? x : NO_MATCH))
          .join(','),
      ),
    count: Math.max(int('_count', DEFAULT_COUNT, MAX_COUNT), 1),
    offset: int('_offset', 0, 10_000_000),
    used,
  };
}

/** A searchset Bundle with self and (when there is more) next links. */
export function searchBundle(base: string, type: string, s: ParsedSearch, resources: Resource[], more: boolean): Bundle {
  const link = (offset: number) => {
    const q = new URLSearchParams(s.used);
    if (!q.has('_count')) q.set('_count', String(s.count));
    if (offset) q.set('_offset', String(offset));
    return `${base}/${type}?${q.toString()}`;
  };
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    link: [{ relation: 'self', url: link(s.offset) }, ...(more ? [{ relation: 'next', url: link(s.offset + s.count) }] : [])],
    ...(resources.length ? { entry: resources.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' as const } })) } : {}),
  };
}

/** `_id` values as ids (a value that is no id matches nothing). */
export function idsOf(s: ParsedSearch): string[] | undefined {
  return s.get('_id')?.flatMap((v) => v.split(',')).map((x) => (UUID_RE.test(x) ? x : NO_MATCH));
}
