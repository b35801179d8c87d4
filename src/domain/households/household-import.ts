import { and, eq, max } from 'drizzle-orm';
import { householdMembers, households } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { Ctx } from '../context';
import { ConflictError } from '../errors';
import { staffIdOf } from '../persons/person-in-scope';

/**
 * The bulk import's 世帯番号 column: the person joins the household of that number at the
 * centre; the first row of a number creates it with that person as its reporter (a line
 * list puts the parent first), later rows are its members in row order. A person already
 * in another household is refused for that row (moving people between households is a
 * nurse's decision on the person page). Returns whether anything changed.
 */
export async function joinImportedHousehold(ctx: Ctx, personId: string, centreId: string, h: { number: string; relation: string | null }): Promise<boolean> {
  const [current] = await ctx.tx.select({ householdId: householdMembers.householdId, number: households.householdNumber }).from(householdMembers).innerJoin(households, eq(households.id, householdMembers.householdId)).where(eq(householdMembers.personId, personId));
  if (current?.number === h.number) return false;
  if (current) throw new ConflictError('this person is already in another household', { field: 'householdNumber' }, 'この対象者はすでに別の世帯に登録されています');
  await ctx.tx.insert(households).values({ responsibleCentreId: centreId, householdNumber: h.number, reporterPersonId: personId, createdBy: staffIdOf(ctx), createdAt: ctx.now, updatedAt: ctx.now }).onConflictDoNothing();
  const [household] = await ctx.tx.select().from(households).where(and(eq(households.responsibleCentreId, centreId), eq(households.householdNumber, h.number)));
  const [last] = await ctx.tx.select({ p: max(householdMembers.position) }).from(householdMembers).where(eq(householdMembers.householdId, household!.id));
  const isReporter = household!.reporterPersonId === personId;
  await ctx.tx.insert(householdMembers).values({ personId, householdId: household!.id, relation: h.relation, position: isReporter ? 0 : (last?.p ?? 0) + 1, createdAt: ctx.now });
  await writeAudit(ctx, { action: 'household_join', entity: 'household', entityId: household!.id, personId, details: { via: 'import' } });
  return true;
}
