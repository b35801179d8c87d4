import { and, gte, lt, sql, type SQL, type AnyColumn } from 'drizzle-orm';
import { ValidationError } from '../errors';

/**
 * A FHIR date search value (`ge2026-05-01`, `2026-05`, `lt2026-05-01T09:00:00+09:00`) as the
 * half-open range it stands for. Date-only values on instants are read in Japan time
 * (+09:00), the zone the health centres work in.
 */
export interface DateRange {
  prefix: 'eq' | 'ge' | 'gt' | 'le' | 'lt';
  start: Date;
  end: Date;
}

const RE = /^(eq|ge|gt|le|lt)?(\d{4})(?:-(\d{2})(?:-(\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?)?)?$/;

export function parseDateParam(name: string, raw: string): DateRange {
  const m = RE.exec(raw);
  const bad = () => new ValidationError([{ field: name, message: `must be a FHIR date such as ge2026-05-01 (not ${raw.slice(0, 40)})`, messageJa: '日付は ge2026-05-01 のような形式で指定してください' }]);
  if (!m) throw bad();
  const [, prefix, y, mo, d, time] = m;
  let start: Date;
  let end: Date;
  if (time) {
    start = new Date(`${y}-${mo}-${d}${time}`);
    end = new Date(start.getTime() + 1000);
  } else {
    const s = `${y}-${mo ?? '01'}-${d ?? '01'}T00:00:00+09:00`;
    start = new Date(s);
    const e = new Date(`${y}-${mo ?? '01'}-${d ?? '01'}T00:00:00Z`);
    if (d) e.setUTCDate(e.getUTCDate() + 1);
    else if (mo) e.setUTCMonth(e.getUTCMonth() + 1);
    else e.setUTCFullYear(e.getUTCFullYear() + 1);
    end = new Date(e.getTime() - 9 * 3600_000);
  }
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) throw bad();
  return { prefix: (prefix as DateRange['prefix']) ?? 'eq', start, end };
}

/** The SQL condition of one range on a timestamp column or expression (instants as ISO text, so an expression works too). */
export function instantCondition(col: AnyColumn | SQL, r: DateRange): SQL {
  const ge = (d: Date) => sql`${col} >= ${d.toISOString()}::timestamptz`;
  const lt = (d: Date) => sql`${col} < ${d.toISOString()}::timestamptz`;
  switch (r.prefix) {
    case 'eq':
      return sql`(${ge(r.start)} and ${lt(r.end)})`;
    case 'ge':
      return ge(r.start);
    case 'gt':
      return ge(r.end);
    case 'le':
      return lt(r.end);
    case 'lt':
      return lt(r.start);
  }
}

/** The same on a date column (birth date, local date): compared as Japan-time calendar dates. */
export function dateCondition(col: AnyColumn, r: DateRange): SQL {
  const day = (d: Date) => new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
  const s = day(r.start);
  const e = day(r.end);
  switch (r.prefix) {
    case 'eq':
      return and(gte(col, s), lt(col, e))!;
    case 'ge':
      return gte(col, s);
    case 'gt':
      return gte(col, e);
    case 'le':
      return lt(col, e);
    case 'lt':
      return lt(col, s);
  }
}
