import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { persons } from '../../../db/schema';
import type { Lang } from '../../flows';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ForbiddenError } from '../errors';
import { requirePermission } from '../permissions';

/** The language a person is spoken to in (ja when the person is unknown). */
export async function preferredLanguage(db: DbOrTx, personId: string): Promise<Lang> {
  const [p] = await db.select({ lang: persons.preferredLanguage }).from(persons).where(eq(persons.id, personId));
  return (p?.lang as Lang | undefined) ?? 'ja';
}

/**
 * The patient chooses their own language (the LINE / SMS 「言語」 / LANGUAGE command). Only
 * for themselves: a patient actor on another person is refused. Staff change it through the
 * person form (updatePerson). Audited like any change to the person.
 */
export async function choosePatientLanguage({ ctx, input }: VerbArgs<{ personId: string; lang: Lang }>): Promise<{ lang: Lang; changed: boolean }> {
  requirePermission(ctx.actor, 'choosePatientLanguage');
  if (ctx.actor.kind !== 'patient' || ctx.actor.personId !== input.personId) throw new ForbiddenError('a patient chooses only their own language');
  const before = await preferredLanguage(ctx.tx, input.personId);
  if (before === input.lang) return { lang: before, changed: false };
  await ctx.tx.update(persons).set({ preferredLanguage: input.lang }).where(eq(persons.id, input.personId));
  await writeAudit(ctx, { action: 'update', entity: 'person', entityId: input.personId, personId: input.personId, details: { preferredLanguage: { from: before, to: input.lang }, via: ctx.actor.channel } });
  return { lang: input.lang, changed: true };
}
