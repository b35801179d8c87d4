import { and, eq } from 'drizzle-orm';
import { persons } from '../../../db/schema';
import { onePersonScope } from '../access';
import type { Ctx } from '../context';
import { NotFoundError } from '../errors';

/** The person row if the actor may see it; else NotFoundError, as if it did not exist. */
export async function personInScope(ctx: Ctx, personId: string, opts: { forUpdate?: boolean } = {}) {
  const q = ctx.tx.select().from(persons).where(and(eq(persons.id, personId), onePersonScope(ctx.actor)));
  const [person] = opts.forUpdate ? await q.for('update') : await q;
  if (!person) throw new NotFoundError('person', personId);
  return person;
}

export const staffIdOf = (ctx: Ctx): string | null => (ctx.actor.kind === 'staff' ? ctx.actor.staffId : null);
