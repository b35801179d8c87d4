import { requireRoleAtLeast } from '../access';
import type { Ctx } from '../context';
import { personInScope } from '../persons/person-in-scope';

/** The person, if the acting nurse (or higher) may see them; otherwise not found (existence is never confirmed). */
export async function findPersonInScope(ctx: Ctx, personId: string) {
  requireRoleAtLeast(ctx.actor, 'nurse');
  return personInScope(ctx, personId, { forUpdate: true });
}
