import type { StaffRole } from '../../db/schema';
import type { Actor } from './context';

/**
 * Where a person's identifiers — name, kana, date of birth, phone, address — may appear.
 * Lists and exports are aggregate views (many persons at once); a person record is one.
 */
export const IDENTIFIER_VIEWS = ['person_list', 'alert_queue', 'export', 'person_record'] as const;
export type IdentifierView = (typeof IDENTIFIER_VIEWS)[number];

/**
 * - shown: the view carries the identifiers
 * - hidden: the view gives case number, centre and the facts, never who the person is
 * - audited: shown, and the read is written to the audit log as an identified read by
 *   this role, so it can be reviewed on its own (every record read is audited anyway)
 */
export type IdentifierAccess = 'shown' | 'hidden' | 'audited';

/**
 * The one table of which role sees personal identifiers in which view (「役割による」).
 * Health centres, prefectures and the reporting clinicians follow persons up by name and
 * phone. The national level works with figures: its lists, alert queue and exports are
 * pseudonymous; it may still open a single record (e.g. a cross-prefecture cluster), and
 * that read is marked in the audit log.
 */
export const IDENTIFIER_ACCESS: Record<StaffRole, Record<IdentifierView, IdentifierAccess>> = {
  nurse: { person_list: 'shown', alert_queue: 'shown', export: 'shown', person_record: 'shown' },
  centre_admin: { person_list: 'shown', alert_queue: 'shown', export: 'shown', person_record: 'shown' },
  prefecture_officer: { person_list: 'shown', alert_queue: 'shown', export: 'shown', person_record: 'shown' },
  clinician: { person_list: 'shown', alert_queue: 'shown', export: 'shown', person_record: 'shown' },
  national_officer: { person_list: 'hidden', alert_queue: 'hidden', export: 'hidden', person_record: 'audited' },
  // A facility's account reaches none of these views (permissions.ts); its round page is not a person view.
  facility_reporter: { person_list: 'hidden', alert_queue: 'hidden', export: 'hidden', person_record: 'hidden' },
};

/** How the actor may see identifiers in a view. Jobs, channels and patients are not staff views: shown. */
export function identifierAccess(actor: Actor, view: IdentifierView): IdentifierAccess {
  return actor.kind === 'staff' ? IDENTIFIER_ACCESS[actor.role][view] : 'shown';
}

export const showsIdentifiers = (actor: Actor, view: IdentifierView): boolean => identifierAccess(actor, view) !== 'hidden';

/** The audit details that mark an identified read by a role whose table entry says 'audited'. */
export function identifiedReadDetails(actor: Actor, view: IdentifierView): Record<string, unknown> | undefined {
  if (identifierAccess(actor, view) !== 'audited' || actor.kind !== 'staff') return undefined;
  return { identifiers: 'shown', view, role: actor.role };
}

export type Masked<T> = Omit<T, 'name' | 'nameKana' | 'phone'> & { name: string | null; nameKana: string | null; phone: string | null };

/** A person's name, kana and phone for a list row, or nulls where the view hides them. */
export function maskIdentifiers<T extends { name: string; nameKana: string | null; phone: string | null }>(row: T, shown: boolean): Masked<T> {
  return shown ? row : { ...row, name: null, nameKana: null, phone: null };
}
