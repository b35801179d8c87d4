import { and, eq, inArray } from 'drizzle-orm';
import { alerts, jurisdictions, persons, personSharedCentres } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { ConflictError, ValidationError } from '../errors';
import { keepFlowUsable } from './person-flow';
import { personInScope } from './person-in-scope';
import { requireResponsibleCentre } from './responsible-centre';
import { requirePermission } from '../permissions';

async function centreByCode(ctx: Ctx, code: string, field: string) {
  const [centre] = await ctx.tx.select().from(jurisdictions).where(and(eq(jurisdictions.code, code.trim()), eq(jurisdictions.kind, 'health_centre')));
  if (!centre) throw new ValidationError([{ field, message: 'unknown health centre', messageJa: '保健所が見つかりません' }]);
  return centre;
}

/**
 * Move a person to another responsible health centre (転居など). The new centre takes
 * over the person and their open alerts; the old one keeps no access unless it is shared.
 * A flow of the old centre or prefecture gives way to the national default flow.
 */
export async function transferPerson({ ctx, input }: VerbArgs<{ personId: string; centreCode: string }>): Promise<{ centreId: string }> {
  requirePermission(ctx.actor, 'transferPerson');
  const person = await personInScope(ctx, input.personId, { forUpdate: true });
  await requireResponsibleCentre(ctx, person.responsibleCentreId);
  const centre = await centreByCode(ctx, input.centreCode ?? '', 'centreCode');
  if (centre.id === person.responsibleCentreId) throw new ConflictError('the person already belongs to this health centre', undefined, 'すでにこの保健所の担当です');
  const [dup] = await ctx.tx.select({ id: persons.id }).from(persons).where(and(eq(persons.responsibleCentreId, centre.id), eq(persons.caseNumber, person.caseNumber)));
  if (dup) throw new ConflictError('the new health centre already has a person with this case number', undefined, '移管先の保健所に同じ患者IDの対象者がいます');
  await ctx.tx.update(persons).set({ responsibleCentreId: centre.id, updatedAt: ctx.now }).where(eq(persons.id, person.id));
  await ctx.tx.delete(personSharedCentres).where(and(eq(personSharedCentres.personId, person.id), eq(personSharedCentres.jurisdictionId, centre.id)));
  // Active alerts follow the person (activeAlertScope relies on it); resolved ones stay with the centre that handled them.
  await ctx.tx.update(alerts).set({ centreId: centre.id, updatedAt: ctx.now }).where(and(eq(alerts.personId, person.id), inArray(alerts.status, ['open', 'acknowledged'])));
  const flow = await keepFlowUsable(ctx, person, centre.id);
  await writeAudit(ctx, { action: 'transfer', entity: 'person', entityId: person.id, personId: person.id, details: { from: person.responsibleCentreId, to: centre.id, ...(flow ? { flow } : {}) } });
  return { centreId: centre.id };
}

/** Share a person with another health centre (関係保健所), or stop sharing: by the responsible centre or above. */
export async function sharePerson({ ctx, input }: VerbArgs<{ personId: string; centreCode: string; share: boolean }>): Promise<void> {
  requirePermission(ctx.actor, 'sharePerson');
  const person = await personInScope(ctx, input.personId, { forUpdate: true });
  const centre = await centreByCode(ctx, input.centreCode ?? '', 'centreCode');
  // A shared centre may step back from a person (unshare itself); nothing else.
  const leavingOwnShare = !input.share && ctx.actor.kind === 'staff' && ctx.actor.jurisdictionId === centre.id;
  if (!leavingOwnShare) await requireResponsibleCentre(ctx, person.responsibleCentreId);
  if (input.share) {
    if (centre.id === person.responsibleCentreId) throw new ValidationError([{ field: 'centreCode', message: 'is already the responsible centre', messageJa: '担当保健所とは別の保健所を選んでください' }]);
    await ctx.tx.insert(personSharedCentres).values({ personId: person.id, jurisdictionId: centre.id, createdAt: ctx.now }).onConflictDoNothing();
  } else {
    await ctx.tx.delete(personSharedCentres).where(and(eq(personSharedCentres.personId, person.id), eq(personSharedCentres.jurisdictionId, centre.id)));
  }
  await writeAudit(ctx, { action: input.share ? 'share' : 'unshare', entity: 'person', entityId: person.id, personId: person.id, details: { centreId: centre.id } });
}
