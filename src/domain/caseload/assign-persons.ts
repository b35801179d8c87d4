import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { careTeamMembers, personAssignments, persons, staffUsers } from '../../../db/schema';
import { personScope, requireRoleAtLeast } from '../access';
import { mayTakeAlerts } from '../alerts/assign-alert';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { ValidationError } from '../errors';
import { parseInput } from '../validation';
import { actorCentreId, teamInScope } from './teams';
import { requirePermission } from '../permissions';

export const assignSchema = z
  .object({
    personIds: z.array(z.uuid({ message: 'must be a person id' })).min(1, 'is required').max(1000, 'at most 1000 persons at once'),
    staffId: z.uuid({ message: 'must be a staff id' }).optional(),
    teamId: z.uuid({ message: 'must be a team id' }).optional(),
    /** With a team: spread the persons over its members in turn, fewest persons first. */
    roundRobin: z.boolean().default(false),
  })
  .strict();

/** Who gets each person: one nurse, the team itself, or the team's members in turn. */
async function plan(ctx: Ctx, f: z.infer<typeof assignSchema>, centreId: string): Promise<{ staffId: string | null; teamId: string | null }[]> {
  if (!f.staffId && !f.teamId) throw new ValidationError([{ field: 'staffId', message: 'give staffId or teamId', messageJa: '担当者または班を選んでください' }]);
  const team = f.teamId ? await teamInScope(ctx, f.teamId) : null;
  if (f.staffId) {
    const [staff] = await ctx.tx.select({ id: staffUsers.id }).from(staffUsers).where(and(eq(staffUsers.id, f.staffId), mayTakeAlerts(centreId)));
    if (!staff) throw new ValidationError([{ field: 'staffId', message: 'must be a nurse of this health centre', messageJa: 'この保健所の職員を選んでください' }]);
    return f.personIds.map(() => ({ staffId: staff.id, teamId: team?.id ?? null }));
  }
  if (!f.roundRobin) return f.personIds.map(() => ({ staffId: null, teamId: team!.id }));
  // Fewest current persons first, so a round-robin also evens out what each member already has.
  const members = await ctx.tx
    .select({ id: staffUsers.id, load: sql<number>`(select count(*) from person_assignments pa where pa.staff_id = ${staffUsers.id})::int` })
    .from(careTeamMembers)
    .innerJoin(staffUsers, eq(staffUsers.id, careTeamMembers.staffId))
    .where(and(eq(careTeamMembers.teamId, team!.id), mayTakeAlerts(centreId)))
    .orderBy(asc(sql`2`), asc(staffUsers.id));
  if (!members.length) throw new ValidationError([{ field: 'teamId', message: 'the team has no active members', messageJa: 'この班には職員がいません' }]);
  return f.personIds.map((_, i) => ({ staffId: members[i % members.length]!.id, teamId: team!.id }));
}

/**
 * 担当の一括設定: assign persons of the actor's centre to a nurse, a team, or round-robin
 * over a team's members; replaces any earlier assignment (reassignment). Every person must
 * be in the actor's scope and responsible centre, else nothing is changed. Audited per person.
 * @example await assignPersons({ ctx, input: { personIds: [a, b, c], teamId, roundRobin: true } })
 */
export async function assignPersons({ ctx, input }: VerbArgs<unknown>): Promise<{ assigned: { personId: string; staffId: string | null; teamId: string | null }[] }> {
  requirePermission(ctx.actor, 'assignPersons');
  requireRoleAtLeast(ctx.actor, 'nurse');
  const f = parseInput(assignSchema, input);
  const centreId = actorCentreId(ctx);
  const ids = [...new Set(f.personIds)].sort();
  const found = await ctx.tx.select({ id: persons.id }).from(persons).where(and(inArray(persons.id, ids), eq(persons.responsibleCentreId, centreId), personScope(ctx.actor))).for('update');
  if (found.length !== ids.length) {
    throw new ValidationError([{ field: 'personIds', message: 'some persons are not of your health centre', messageJa: '自所の対象者ではない人が含まれています' }]);
  }
  const targets = await plan(ctx, { ...f, personIds: ids }, centreId);
  const assigned = ids.map((personId, i) => ({ personId, ...targets[i]! }));
  const by = ctx.actor.kind === 'staff' ? ctx.actor.staffId : null;
  await ctx.tx
    .insert(personAssignments)
    .values(assigned.map((a) => ({ ...a, assignedBy: by, assignedAt: ctx.now })))
    .onConflictDoUpdate({ target: personAssignments.personId, set: { staffId: sql`excluded.staff_id`, teamId: sql`excluded.team_id`, assignedBy: by, assignedAt: ctx.now } });
  for (const a of assigned) await writeAudit(ctx, { action: 'assign', entity: 'person', entityId: a.personId, personId: a.personId, details: { staffId: a.staffId, teamId: a.teamId } });
  return { assigned };
}

/**
 * Reassign everyone a nurse follows (a nurse is off): to another nurse, or round-robin over
 * a team. Persons who have left monitoring keep their assignment (nothing to do for them).
 */
export async function reassignCaseload({ ctx, input }: VerbArgs<{ fromStaffId: string; staffId?: string; teamId?: string; roundRobin?: boolean }>) {
  requirePermission(ctx.actor, 'reassignCaseload');
  requireRoleAtLeast(ctx.actor, 'nurse');
  const centreId = actorCentreId(ctx);
  const rows = await ctx.tx
    .select({ id: personAssignments.personId })
    .from(personAssignments)
    .innerJoin(persons, eq(persons.id, personAssignments.personId))
    .where(and(eq(personAssignments.staffId, input.fromStaffId), eq(persons.responsibleCentreId, centreId), sql`${persons.status} in ('close_contact', 'home_recuperation', 'hotel_recuperation', 'hospitalized', 'hospitalized_severe')`));
  const { fromStaffId: _from, ...target } = input;
  const assigned: Awaited<ReturnType<typeof assignPersons>>['assigned'] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    const part = await assignPersons({ ctx, input: { ...target, personIds: rows.slice(i, i + 1000).map((r) => r.id) } });
    assigned.push(...part.assigned);
  }
  return { assigned };
}
