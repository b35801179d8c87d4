import { eq, inArray } from 'drizzle-orm';
import { followUpLosses, staffCalls } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { personInScope } from '../persons/person-in-scope';
import { assignmentsOf } from './list-caseload';
import { staffCallsOf, unsuccessfulCallsBeforeLost, unsuccessfulCallsSinceReached } from './staff-calls';
import { requirePermission } from '../permissions';

/** A person's caseload facts: assignment, staff calls, unsuccessful calls since reached, the centre's threshold, 追跡不能. */
export async function caseloadOf(ctx: Ctx, person: { id: string; responsibleCentreId: string }) {
  const [assignment] = await assignmentsOf(ctx, [person.id]);
  const calls = await staffCallsOf(ctx, person.id);
  const unsuccessful = await unsuccessfulCallsSinceReached(ctx, person.id);
  const needed = await unsuccessfulCallsBeforeLost(ctx, person.responsibleCentreId);
  const [loss] = await ctx.tx.select().from(followUpLosses).where(eq(followUpLosses.personId, person.id));
  const lostCalls = loss?.callIds.length ? await ctx.tx.select({ id: staffCalls.id, outcome: staffCalls.outcome, calledAt: staffCalls.calledAt }).from(staffCalls).where(inArray(staffCalls.id, loss.callIds)).orderBy(staffCalls.calledAt) : [];
  return {
    assignment: assignment ?? null,
    calls,
    unsuccessful,
    needed,
    lost: loss ? { declaredAt: loss.declaredAt, note: loss.note, calls: lostCalls } : null,
  };
}
export type PersonCaseload = Awaited<ReturnType<typeof caseloadOf>>;

/** GET /api/v1/persons/:id/calls and the person page: the caseload facts of one person. Audited as a read. */
export async function getPersonCaseload({ ctx, input }: VerbArgs<{ personId: string }>): Promise<PersonCaseload> {
  requirePermission(ctx.actor, 'getPersonCaseload');
  const person = await personInScope(ctx, input.personId);
  const out = await caseloadOf(ctx, person);
  await writeAudit(ctx, { action: 'read', entity: 'person', entityId: person.id, personId: person.id, details: { view: 'caseload' } });
  return out;
}
