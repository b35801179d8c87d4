import { sql, type SQL } from 'drizzle-orm';
import { alerts, persons } from '../../db/schema';
import type { Actor } from './context';
import { ForbiddenError } from './errors';

/**
 * The one access rule: which persons an actor may see. Used by every page, API call and
 * export, as a WHERE condition on `persons`.
 * - nurse, centre_admin: persons of their centre, and those shared with it (関係保健所)
 * - prefecture_officer: persons of every centre under the prefecture (by jurisdiction path)
 * - national_officer: everyone
 * - clinician: persons their institution reported
 * - facility_reporter: none (its residents appear only on its facility's round pages)
 * System actors (jobs, channels acting for a patient) are not limited here.
 */
export function personScope(actor: Actor): SQL {
  if (actor.kind !== 'staff') return sql`true`;
  switch (actor.role) {
    case 'national_officer':
      return sql`true`;
    case 'prefecture_officer':
      if (!actor.jurisdictionPath) return sql`false`;
      return sql`(exists (select 1 from jurisdictions j where j.id = ${persons.responsibleCentreId} and j.path like ${actor.jurisdictionPath + '%'})
        or exists (select 1 from person_shared_centres s join jurisdictions j on j.id = s.jurisdiction_id
                   where s.person_id = ${persons.id} and j.path like ${actor.jurisdictionPath + '%'}))`;
    case 'nurse':
    case 'centre_admin':
      if (!actor.jurisdictionId) return sql`false`;
      // One set of ids (the centre's persons and those shared with it), not an OR: an OR
      // with the shared-centre test hides the centre index and reads every person.
      return sql`${persons.id} in (select p.id from persons p where p.responsible_centre_id = ${actor.jurisdictionId}
        union all select s.person_id from person_shared_centres s where s.jurisdiction_id = ${actor.jurisdictionId})`;
    case 'clinician':
      if (!actor.institutionId) return sql`false`;
      return sql`${persons.reportingInstitutionId} = ${actor.institutionId}`;
    case 'facility_reporter':
      return sql`false`; // a facility's account names its residents only on its round pages (facility-account-rounds.ts)
  }
}

/**
 * The same rule as personScope, written for a statement about one row found by its id (a
 * person page, an alert, a FHIR read, the live queue's check of a new alert): a nurse's set
 * of the centre's persons is built whole by the planner even to test one of them — 2,675
 * blocks, 0.2 s, for each red alert pushed to a console of a centre of 105,000 persons
 * (`bench/topology.ts --statements`) — while for one row the OR costs two probes. Lists keep
 * personScope (there the OR would hide the centre index and read every person).
 */
export function onePersonScope(actor: Actor): SQL {
  if (actor.kind === 'staff' && (actor.role === 'nurse' || actor.role === 'centre_admin') && actor.jurisdictionId) {
    return sql`(${persons.responsibleCentreId} = ${actor.jurisdictionId}
      or exists (select 1 from person_shared_centres s where s.person_id = ${persons.id} and s.jurisdiction_id = ${actor.jurisdictionId}))`;
  }
  return personScope(actor);
}

/**
 * The same rule for alerts still open or acknowledged, written on the alert's own centre:
 * an active alert's centre_id is always its person's responsible centre (raised there;
 * transferPerson moves the active ones along), so a prefecture's queue is read from
 * alerts_centre_status_idx instead of looking up every alert's person. Resolved alerts
 * keep the centre that handled them: for those, use personScope.
 */
export function activeAlertScope(actor: Actor): SQL {
  if (actor.kind !== 'staff') return sql`true`;
  const shared = (centres: SQL) => sql`${alerts.personId} in (select s.person_id from person_shared_centres s where s.jurisdiction_id in (${centres}))`;
  switch (actor.role) {
    case 'national_officer':
      return sql`true`;
    case 'prefecture_officer': {
      if (!actor.jurisdictionPath) return sql`false`;
      const centres = sql`select j.id from jurisdictions j where j.path like ${actor.jurisdictionPath + '%'}`;
      return sql`(${alerts.centreId} in (${centres}) or ${shared(centres)})`;
    }
    case 'nurse':
    case 'centre_admin': {
      if (!actor.jurisdictionId) return sql`false`;
      return sql`(${alerts.centreId} = ${actor.jurisdictionId} or ${shared(sql`${actor.jurisdictionId}`)})`;
    }
    case 'clinician':
    case 'facility_reporter':
      return personScope(actor);
  }
}

/** Jurisdiction paths an actor may act within (for centre pickers and stats). */
export function jurisdictionScopePrefix(actor: Actor): string | null {
  if (actor.kind !== 'staff') return '/';
  if (actor.role === 'national_officer') return '/';
  return actor.jurisdictionPath;
}

const RANK: Record<string, number> = { clinician: 0, nurse: 1, centre_admin: 2, prefecture_officer: 3, national_officer: 4 };

/** Role gate for actions like publishing a flow: centre_admin and up. */
export function requireRoleAtLeast(actor: Actor, role: 'nurse' | 'centre_admin' | 'prefecture_officer' | 'national_officer'): void {
  if (actor.kind === 'system') return;
  if (actor.kind !== 'staff' || (RANK[actor.role] ?? -1) < (RANK[role] ?? 99)) throw new ForbiddenError();
}
