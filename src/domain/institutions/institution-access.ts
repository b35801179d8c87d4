import type { Actor } from '../context';
import { ForbiddenError } from '../errors';

/**
 * Who may register or change a medical institution (医療機関): national_officer any; a
 * prefecture officer those reporting to a centre of their prefecture; a centre
 * administrator those reporting to their own centre. Judged on the centre the
 * institution reports to (before and after a change). System actors (CLI) may.
 */
export function mayManageInstitutionAt(actor: Actor, centre: { id: string; path: string }): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind !== 'staff') return false;
  switch (actor.role) {
    case 'national_officer':
      return true;
    case 'prefecture_officer':
      return !!actor.jurisdictionPath && centre.path.startsWith(actor.jurisdictionPath);
    case 'centre_admin':
      return centre.id === actor.jurisdictionId;
    default:
      return false;
  }
}

export function requireManageInstitutionAt(actor: Actor, centre: { id: string; path: string }): void {
  if (!mayManageInstitutionAt(actor, centre)) throw new ForbiddenError('this medical institution is outside what you may manage', 'この医療機関を管理する権限がありません');
}
