import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { careTeams, personAssignments, persons, staffUsers } from '../../../db/schema';
import { personScope } from '../access';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { maskIdentifiers, showsIdentifiers } from '../personal-identifiers';
import { parseInput } from '../validation';
import { actorCentreId } from './teams';
import { requirePermission } from '../permissions';

export const caseloadQuerySchema = z.object({
  /** mine (default): assigned to me or to a team I am in; staff: one nurse's; team; unassigned: the centre's monitored persons without anyone. */
  view: z.enum(['mine', 'staff', 'team', 'unassigned']).default('mine'),
  staffId: z.uuid().optional(),
  teamId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

/** The SQL test "this person is in my caseload": assigned to me, or to a team I belong to. */
export function mineSql(ctx: Ctx, personId: SQL | AnyPgColumn): SQL {
  if (ctx.actor.kind !== 'staff') return sql`false`;
  const me = ctx.actor.staffId;
  return sql`${personId} in (select pa.person_id from person_assignments pa where pa.staff_id = ${me}
    or pa.team_id in (select m.team_id from care_team_members m where m.staff_id = ${me}))`;
}

/**
 * 担当一覧: the persons of a caseload, in kana order, with who follows them. Audited as a
 * list (ids only), like every list that names persons.
 */
export async function listCaseload({ ctx, input }: VerbArgs<unknown>) {
  requirePermission(ctx.actor, 'listCaseload');
  const q = parseInput(caseloadQuerySchema, input ?? {});
  const where: SQL[] = [personScope(ctx.actor)];
  if (q.view === 'mine') where.push(mineSql(ctx, persons.id));
  else if (q.view === 'staff') where.push(eq(personAssignments.staffId, q.staffId ?? '00000000-0000-0000-0000-000000000000'));
  else if (q.view === 'team') where.push(eq(personAssignments.teamId, q.teamId ?? '00000000-0000-0000-0000-000000000000'));
  else where.push(eq(persons.responsibleCentreId, actorCentreId(ctx)), sql`${personAssignments.personId} is null`, sql`${persons.status} in ('close_contact', 'home_recuperation', 'hotel_recuperation')`);
  const rows = await ctx.tx
    .select({ id: persons.id, name: persons.name, nameKana: persons.nameKana, caseNumber: persons.caseNumber, phone: persons.phone, status: persons.status, staffId: personAssignments.staffId, staffName: staffUsers.displayName, teamId: personAssignments.teamId, teamName: careTeams.name })
    .from(persons)
    .leftJoin(personAssignments, eq(personAssignments.personId, persons.id))
    .leftJoin(staffUsers, eq(staffUsers.id, personAssignments.staffId))
    .leftJoin(careTeams, eq(careTeams.id, personAssignments.teamId))
    .where(and(...where))
    .orderBy(asc(persons.nameKana), asc(persons.name), asc(persons.id))
    .limit(q.limit);
  const identified = showsIdentifiers(ctx.actor, 'person_list');
  if (rows.length) await writeAudit(ctx, { action: 'list', entity: 'caseload', details: { view: q.view, personIds: rows.map((r) => r.id), count: rows.length } });
  return {
    view: q.view,
    persons: rows.map((r) => ({
      ...maskIdentifiers({ id: r.id, name: r.name, nameKana: r.nameKana, caseNumber: r.caseNumber, phone: r.phone }, identified),
      status: r.status,
      staff: r.staffId ? { id: r.staffId, name: r.staffName ?? '' } : null,
      team: r.teamId ? { id: r.teamId, name: r.teamName ?? '' } : null,
    })),
  };
}

/** Who follows these persons (for the person page and lists); no audit of its own (part of a read). */
export async function assignmentsOf(ctx: Ctx, personIds: string[]) {
  if (!personIds.length) return [];
  return ctx.tx
    .select({ personId: personAssignments.personId, staffId: personAssignments.staffId, staffName: staffUsers.displayName, teamId: personAssignments.teamId, teamName: careTeams.name, assignedAt: personAssignments.assignedAt })
    .from(personAssignments)
    .leftJoin(staffUsers, eq(staffUsers.id, personAssignments.staffId))
    .leftJoin(careTeams, eq(careTeams.id, personAssignments.teamId))
    .where(inArray(personAssignments.personId, personIds));
}
