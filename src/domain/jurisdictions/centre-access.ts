import type { Actor } from '../context';
import { ForbiddenError } from '../errors';

/**
 * Who may manage which health centre (保健所):
 * - national_officer: every centre (create, edit, deactivate, move persons);
 * - prefecture_officer: the centres under their prefecture (path prefix);
 * - centre_admin: the details of their own centre only (not its code, prefecture or standing);
 * - everyone else: nothing. System actors (CLI imports, seeds) act for the nation.
 */
export type CentreOperation = 'create' | 'details' | 'standing' | 'move';

export function mayManageCentre(actor: Actor, centre: { id?: string | null; path: string }, op: CentreOperation): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind !== 'staff') return false;
  switch (actor.role) {
    case 'national_officer':
      return true;
    case 'prefecture_officer':
      return !!actor.jurisdictionPath && centre.path.startsWith(actor.jurisdictionPath) && centre.path !== actor.jurisdictionPath;
    case 'centre_admin':
      return op === 'details' && !!centre.id && centre.id === actor.jurisdictionId;
    default:
      return false;
  }
}

export function requireManageCentre(actor: Actor, centre: { id?: string | null; path: string }, op: CentreOperation): void {
  if (!mayManageCentre(actor, centre, op)) throw new ForbiddenError('this health centre is outside what you may manage', 'この保健所を管理する権限がありません');
}
