import { sql, type SQL } from 'drizzle-orm';
import { auditValues, writeAudit } from '../audit';
import type { Ctx } from '../context';

/**
 * The audit rows of a FHIR read: a single resource of one person is a read of that person
 * (like opening the record); a search or page of many is one row listing the person ids
 * (like the console's lists). Ids only, never values.
 */
export async function auditFhirRead(ctx: Ctx, resourceType: string, personIds: string[], opts: { single?: boolean; resourceId?: string; details?: Record<string, unknown> } = {}): Promise<void> {
  const ids = [...new Set(personIds)];
  if (opts.single && ids.length === 1) {
    await writeAudit(ctx, { action: 'read', entity: `fhir_${resourceType}`, entityId: opts.resourceId ?? ids[0], personId: ids[0], details: { via: 'fhir', ...opts.details } });
  } else if (ids.length) {
    await writeAudit(ctx, { action: 'list', entity: `fhir_${resourceType}`, personId: ids.length === 1 ? ids[0] : null, details: { via: 'fhir', personIds: ids } });
  }
}

/**
 * A search page and its audit row in one statement — the same row auditFhirRead writes for
 * a page — so a search costs one round trip, and, a data-modifying CTE being atomic by
 * itself, needs no BEGIN/COMMIT around it. `page` selects `person_id` and `n`, the row's
 * position in the search's order (row_number over it, counted before OFFSET); the rows with
 * n <= `shownUpTo` are the page shown (the one more is only there to tell whether there is a
 * next page). Returns the page's rows in order.
 */
export function withListAudit(ctx: Ctx, resourceType: string, page: SQL, shownUpTo: number): SQL {
  const v = auditValues(ctx, { action: 'list', entity: `fhir_${resourceType}` });
  return sql`with page as (${page}),
    shown as (select person_id, min(n) as first from page where n <= ${shownUpTo} group by person_id),
    audit as (insert into audit_log (actor_kind, actor_id, action, entity, person_id, ip, user_agent, request_id, details, created_at)
      select ${v.actorKind}, ${v.actorId}, ${v.action}, ${v.entity}, case when count(*) = 1 then (array_agg(person_id))[1] end, ${v.ip}, ${v.userAgent}, ${v.requestId},
        jsonb_build_object('via', 'fhir', 'personIds', jsonb_agg(person_id order by first)), ${ctx.now.toISOString()}::timestamptz
      from shown having count(*) > 0)
    select * from page order by n`;
}
