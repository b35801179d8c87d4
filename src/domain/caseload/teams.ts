import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { careTeamMembers, careTeams, staffUsers } from '../../../db/schema';
import { requireRoleAtLeast } from '../access';
import { mayTakeAlerts } from '../alerts/assign-alert';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { parseInput } from '../validation';
import { requirePermission } from '../permissions';

/** The health centre an actor runs caseloads for: their own (nurses and centre administrators). */
export function actorCentreId(ctx: Ctx): string {
  if (ctx.actor.kind !== 'staff' || !ctx.actor.jurisdictionId || !['nurse', 'centre_admin'].includes(ctx.actor.role)) {
    throw new ValidationError([{ field: 'centre', message: 'caseloads are kept by the staff of a health centre', messageJa: '担当の設定は保健所の職員が行います' }]);
  }
  return ctx.actor.jurisdictionId;
}

/** A team of the actor's centre (else not found). */
export async function teamInScope(ctx: Ctx, teamId: string) {
  const [team] = await ctx.tx.select().from(careTeams).where(and(eq(careTeams.id, teamId), eq(careTeams.centreId, actorCentreId(ctx))));
  if (!team) throw new NotFoundError('care_team', teamId);
  return team;
}

const teamSchema = z.object({ name: z.string().trim().min(1, 'is required').max(60, 'must be at most 60 characters') });

/**
 * Create a team (班) in the actor's centre. centre_admin only.
 * @example await createTeam({ ctx, input: { name: 'A班' } })
 */
export async function createTeam({ ctx, input }: VerbArgs<unknown>): Promise<{ id: string }> {
  requirePermission(ctx.actor, 'createTeam');
  requireRoleAtLeast(ctx.actor, 'centre_admin');
  const f = parseInput(teamSchema, input);
  const [row] = await ctx.tx.insert(careTeams).values({ centreId: actorCentreId(ctx), name: f.name, createdAt: ctx.now }).onConflictDoNothing().returning({ id: careTeams.id });
  if (!row) throw new ConflictError('a team of this name exists', undefined, '同じ名前の班があります');
  await writeAudit(ctx, { action: 'create', entity: 'care_team', entityId: row.id });
  return { id: row.id };
}

/** Add (or remove) a nurse of the centre to a team. centre_admin only. */
export async function setTeamMember({ ctx, input }: VerbArgs<{ teamId: string; staffId: string; member: boolean }>): Promise<void> {
  requirePermission(ctx.actor, 'setTeamMember');
  requireRoleAtLeast(ctx.actor, 'centre_admin');
  const team = await teamInScope(ctx, input.teamId);
  const [staff] = await ctx.tx.select({ id: staffUsers.id }).from(staffUsers).where(and(eq(staffUsers.id, input.staffId), mayTakeAlerts(team.centreId)));
  if (!staff) throw new ValidationError([{ field: 'staffId', message: 'must be a nurse of this health centre', messageJa: 'この保健所の職員を選んでください' }]);
  if (input.member) await ctx.tx.insert(careTeamMembers).values({ teamId: team.id, staffId: staff.id, createdAt: ctx.now }).onConflictDoNothing();
  else await ctx.tx.delete(careTeamMembers).where(and(eq(careTeamMembers.teamId, team.id), eq(careTeamMembers.staffId, staff.id)));
  await writeAudit(ctx, { action: input.member ? 'add_member' : 'remove_member', entity: 'care_team', entityId: team.id, details: { staffId: staff.id } });
}

/** The teams of the actor's centre with their members, and the centre's staff who may take persons. */
export async function listTeams({ ctx }: VerbArgs<unknown>) {
  requirePermission(ctx.actor, 'listTeams');
  const centreId = actorCentreId(ctx);
  const teams = await ctx.tx.select().from(careTeams).where(eq(careTeams.centreId, centreId)).orderBy(asc(careTeams.name));
  const members = await ctx.tx
    .select({ teamId: careTeamMembers.teamId, staffId: staffUsers.id, name: staffUsers.displayName })
    .from(careTeamMembers)
    .innerJoin(careTeams, eq(careTeams.id, careTeamMembers.teamId))
    .innerJoin(staffUsers, eq(staffUsers.id, careTeamMembers.staffId))
    .where(and(eq(careTeams.centreId, centreId), eq(staffUsers.disabled, false)))
    .orderBy(asc(staffUsers.displayName), asc(staffUsers.id));
  const staff = await ctx.tx.select({ id: staffUsers.id, name: staffUsers.displayName }).from(staffUsers).where(mayTakeAlerts(centreId)).orderBy(asc(staffUsers.displayName));
  return {
    teams: teams.map((t) => ({ id: t.id, name: t.name, members: members.filter((m) => m.teamId === t.id).map((m) => ({ id: m.staffId, name: m.name })) })),
    staff,
  };
}
