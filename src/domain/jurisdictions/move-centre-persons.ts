import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { uuidArray } from '../../../db/client';
import { z } from 'zod';
import { alerts, flowAssignments, flows, jurisdictions, medicalInstitutions, notifications, persons, personSharedCentres } from '../../../db/schema';
import { writeAudit } from '../audit';
import { actorId, type VerbArgs } from '../context';
import { ConflictError, ValidationError } from '../errors';
import { keepFlowUsable } from '../persons/person-flow';
import { parseInput } from '../validation';
import { requireManageCentre } from './centre-access';
import { centreByCode } from './find-jurisdiction';
import { requirePermission } from '../permissions';

export const moveCentrePersonsSchema = z.object({
  fromCode: z.string().trim().min(1, 'is required'),
  toCode: z.string().trim().min(1, 'is required'),
  // Also move the institutions reporting to the old centre and its open notifications (a merge).
  withInstitutions: z.boolean().default(true),
  // Deactivate the old centre afterwards (a merge; a split keeps it).
  deactivateSource: z.boolean().default(false),
});

/**
 * Centres merge and split (統合・分割): every person of one health centre moves to another
 * in one transaction — their open alerts along with them, a centre- or prefecture-owned
 * flow the new centre may not ask replaced by the national default (as transferPerson
 * does for one person). Refused as a whole when the new centre already has one of the
 * case numbers. One audit row for the action, and one per person moved (their history
 * shows who moved them). national_officer, or the officers of a prefecture holding both.
 */
export async function moveCentrePersons({ ctx, input }: VerbArgs<unknown>) {
  requirePermission(ctx.actor, 'moveCentrePersons');
  const f = parseInput(moveCentrePersonsSchema, input);
  if (f.fromCode === f.toCode) throw new ValidationError([{ field: 'toCode', message: 'must be another health centre', messageJa: '移管元と別の保健所を選んでください' }]);
  const from = await centreByCode(ctx, f.fromCode, { forUpdate: true });
  const to = await centreByCode(ctx, f.toCode, { forUpdate: true });
  requireManageCentre(ctx.actor, from, 'move');
  requireManageCentre(ctx.actor, to, 'move');
  if (!to.active) throw new ValidationError([{ field: 'toCode', message: 'this health centre is deactivated', messageJa: 'この保健所は廃止（無効）になっています' }]);

  const clashes = await ctx.tx
    .select({ caseNumber: persons.caseNumber })
    .from(persons)
    .where(and(eq(persons.responsibleCentreId, from.id), sql`exists (select 1 from persons q where q.responsible_centre_id = ${to.id} and q.case_number = ${persons.caseNumber})`))
    .limit(20);
  if (clashes.length) {
    throw new ConflictError('the new health centre already has persons with some of these case numbers', { caseNumbers: clashes.map((c) => c.caseNumber) }, `移管先の保健所に同じ患者IDの対象者がいます（${clashes.length}件以上）`);
  }

  const moved = await ctx.tx.update(persons).set({ responsibleCentreId: to.id, updatedAt: ctx.now }).where(eq(persons.responsibleCentreId, from.id)).returning({ id: persons.id, classification: persons.classification });
  const ids = moved.map((p) => p.id);
  let flowsReset = 0;
  if (ids.length) {
    await ctx.tx.delete(personSharedCentres).where(and(inArray(personSharedCentres.personId, ids), eq(personSharedCentres.jurisdictionId, to.id)));
    await ctx.tx.update(alerts).set({ centreId: to.id, updatedAt: ctx.now }).where(and(eq(alerts.centreId, from.id), inArray(alerts.status, ['open', 'acknowledged'])));
    // Only persons on a centre or prefecture flow can lose it; national flows go anywhere.
    const owned = await ctx.tx
      .select({ id: flowAssignments.personId })
      .from(flowAssignments)
      .innerJoin(flows, eq(flows.id, flowAssignments.flowId))
      .where(and(inArray(flowAssignments.personId, ids), isNotNull(flows.ownerJurisdictionId)));
    const byId = new Map(moved.map((p) => [p.id, p]));
    for (const { id } of owned) if (await keepFlowUsable(ctx, byId.get(id)!, to.id)) flowsReset++;
    await ctx.tx.execute(sql`
      insert into audit_log (actor_kind, actor_id, action, entity, entity_id, person_id, ip, user_agent, request_id, details, created_at)
      select ${ctx.actor.kind === 'staff' ? (ctx.actor.via === 'token' ? 'token' : 'staff') : ctx.actor.kind}, ${actorId(ctx.actor)}, 'transfer', 'person', p::text, p,
             ${ctx.request?.ip ?? null}, ${ctx.request?.userAgent ?? null}, ${ctx.request?.requestId ?? null},
             ${JSON.stringify({ from: from.id, to: to.id, centreMove: true })}::jsonb, ${ctx.now.toISOString()}::timestamptz
      from unnest(${uuidArray(ids)}) as p`);
  }
  let institutions = 0;
  if (f.withInstitutions) {
    institutions = (await ctx.tx.update(medicalInstitutions).set({ jurisdictionId: to.id, updatedAt: ctx.now }).where(eq(medicalInstitutions.jurisdictionId, from.id)).returning({ id: medicalInstitutions.id })).length;
    await ctx.tx.update(notifications).set({ centreId: to.id, updatedAt: ctx.now }).where(and(eq(notifications.centreId, from.id), inArray(notifications.status, ['draft', 'submitted'])));
    await ctx.tx.update(notifications).set({ reportingCentreId: to.id, updatedAt: ctx.now }).where(and(eq(notifications.reportingCentreId, from.id), inArray(notifications.status, ['draft', 'submitted'])));
  }
  if (f.deactivateSource) await ctx.tx.update(jurisdictions).set({ active: false, updatedAt: ctx.now }).where(eq(jurisdictions.id, from.id));
  const result = { from: from.code, to: to.code, persons: ids.length, flowsReset, institutions, deactivated: f.deactivateSource };
  await writeAudit(ctx, { action: 'move_persons', entity: 'jurisdiction', entityId: from.id, details: { ...result, toId: to.id } });
  return result;
}
