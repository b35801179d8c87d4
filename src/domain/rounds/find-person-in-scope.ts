import { and, eq } from 'drizzle-orm';
import { persons } from '../../../db/schema';
import { onePersonScope, requireRoleAtLeast } from '../access';
import type { Ctx } from '../context';
import { NotFoundError } from '../errors';

/** The person, if the acting nurse (or higher) may see them; otherwise not found (existence is never confirmed). */
export async function findPersonInScope(ctx: Ctx, personId: string) {
  requireRoleAtLeast(ctx.actor, 'nurse');
  const [person] = await ctx.tx
    .select()
    .from(persons)
    .where(and(eq(persons.id, personId), onePersonScope(ctx.actor)))
    .for('update');
  if (!person) throw new NotFoundError('person', personId);
  return person;
}
