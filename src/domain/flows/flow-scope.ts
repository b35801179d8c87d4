import { sql, type SQL } from 'drizzle-orm';
import { flows } from '../../../db/schema';
import type { Actor } from '../context';

/**
 * Which flows an actor sees (lists, opens, drafts, simulates). A flow's owner is the nation
 * (no owner), a prefecture or a health centre, and a staff user sees the flows on their own
 * line of the jurisdiction tree:
 * - national flows, always;
 * - flows owned above them (a centre's staff: their prefecture's),
 * - flows owned at or below them (a prefecture officer: the prefecture's and its centres').
 * A nurse of centre A does not see centre B's flows: opening one answers 404, as for any
 * record out of scope. National officers and system actors see every flow; clinicians
 * (scoped to an institution, not a jurisdiction) see the national ones.
 * Paths are compared with starts_with, not LIKE, so nothing in a code acts as a wildcard.
 */
export function flowScope(actor: Actor): SQL {
  if (actor.kind !== 'staff' || actor.role === 'national_officer') return sql`true`;
  const path = actor.role === 'clinician' ? null : actor.jurisdictionPath;
  if (!path) return sql`${flows.ownerJurisdictionId} is null`;
  return sql`(${flows.ownerJurisdictionId} is null or exists (select 1 from jurisdictions o where o.id = ${flows.ownerJurisdictionId}
    and (starts_with(o.path, ${path}) or starts_with(${path}, o.path))))`;
}

/** The owner of a flow as shown and checked: null is the nation. */
export interface FlowOwner {
  code: string;
  kind: 'nation' | 'prefecture' | 'health_centre';
  path: string;
  nameJa: string;
  nameEn: string;
}

/**
 * May a person whose responsible centre is at `centrePath` be asked this flow? National
 * flows, and flows of the centre itself or of its prefecture (an owner above the centre).
 */
export function flowUsableAt(owner: Pick<FlowOwner, 'path'> | null, centrePath: string): boolean {
  return owner === null || centrePath.startsWith(owner.path);
}
