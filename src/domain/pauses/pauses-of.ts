import { and, desc, eq, isNull } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { monitoringPauses, staffUsers } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { personInScope } from '../persons/person-in-scope';
import { requirePermission } from '../permissions';

/** A person's pauses, newest first, with who paused and who (or the date) ended them. */
export async function pausesOf(ctx: Ctx, personId: string) {
  const ender = alias(staffUsers, 'ender');
  const rows = await ctx.tx
    .select({ p: monitoringPauses, by: staffUsers.displayName, endedByName: ender.displayName })
    .from(monitoringPauses)
    .leftJoin(staffUsers, eq(staffUsers.id, monitoringPauses.createdBy))
    .leftJoin(ender, eq(ender.id, monitoringPauses.endedBy))
    .where(eq(monitoringPauses.personId, personId))
    .orderBy(desc(monitoringPauses.startedAt))
    .limit(50);
  return rows.map(({ p, by, endedByName }) => ({
    id: p.id, reason: p.reason, note: p.note, startedAt: p.startedAt, resumeOn: p.resumeOn, by,
    active: p.endedAt === null, endedAt: p.endedAt, endKind: p.endKind, endedBy: endedByName,
  }));
}
export type PersonPause = Awaited<ReturnType<typeof pausesOf>>[number];

/** GET /api/v1/persons/:id/pauses: the pauses and whether one is in force. Audited as a read. */
export async function getPersonPauses({ ctx, input }: VerbArgs<{ personId: string }>) {
  requirePermission(ctx.actor, 'getPersonPauses');
  const person = await personInScope(ctx, input.personId);
  const pauses = await pausesOf(ctx, person.id);
  await writeAudit(ctx, { action: 'read', entity: 'person', entityId: person.id, personId: person.id, details: { view: 'pauses' } });
  return { paused: pauses.some((p) => p.active), pauses };
}

/** Whether the person has a pause in force (for guards outside the rounds' SQL). */
export async function isPaused(ctx: Ctx, personId: string): Promise<boolean> {
  const [row] = await ctx.tx.select({ id: monitoringPauses.id }).from(monitoringPauses).where(and(eq(monitoringPauses.personId, personId), isNull(monitoringPauses.endedAt)));
  return !!row;
}
