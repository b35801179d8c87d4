import { and, eq } from 'drizzle-orm';
import { flowAssignments, jurisdictions, medicalInstitutions, persons, personStatusHistory } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { ConflictError, ForbiddenError, ValidationError } from '../errors';
import { centreToday } from './centre-today';
import { assignableFlow } from './person-flow';
import { syncPhoneChannels } from './phone-channels';
import { centreRoundTimes } from '../jurisdictions/centre-settings';
import { DEFAULT_STATUS, defaultFlowKey, type PersonFields, validatePersonFields } from './person-input';
import { requirePermission } from '../permissions';

/** Which centre a new person belongs to: the given code (within scope) or the actor's own centre. */
export async function resolveCentre(ctx: Ctx, code: string | undefined): Promise<string> {
  const actor = ctx.actor;
  if (!code) {
    if (actor.kind === 'staff' && actor.jurisdictionId && (actor.role === 'nurse' || actor.role === 'centre_admin')) return actor.jurisdictionId;
    throw new ValidationError([{ field: 'responsibleCentreCode', message: 'is required', messageJa: '担当保健所を選んでください' }]);
  }
  const [centre] = await ctx.tx.select().from(jurisdictions).where(and(eq(jurisdictions.code, code), eq(jurisdictions.kind, 'health_centre')));
  if (!centre) throw new ValidationError([{ field: 'responsibleCentreCode', message: 'unknown health centre', messageJa: '保健所が見つかりません' }]);
  if (!centre.active) throw new ValidationError([{ field: 'responsibleCentreCode', message: 'this health centre is deactivated', messageJa: 'この保健所は廃止（無効）になっています' }]);
  if (actor.kind === 'staff' && actor.role !== 'national_officer' && actor.role !== 'clinician') {
    if (!actor.jurisdictionPath || !centre.path.startsWith(actor.jurisdictionPath)) throw new ForbiddenError('that health centre is outside your scope', 'この保健所はあなたの担当範囲外です');
  }
  return centre.id;
}

/** The institution that reported a new person: the code given, else the clinician's own (null for centre staff). */
export async function reportingInstitutionId(ctx: Ctx, code: string | undefined): Promise<string | null> {
  if (!code) return ctx.actor.kind === 'staff' ? ctx.actor.institutionId : null;
  const [inst] = await ctx.tx.select({ id: medicalInstitutions.id }).from(medicalInstitutions).where(eq(medicalInstitutions.code, code));
  if (!inst) throw new ValidationError([{ field: 'reportingInstitutionCode', message: 'unknown medical institution', messageJa: '医療機関が見つかりません' }]);
  return inst.id;
}

/**
 * Register a person under follow-up, assign the daily flow (a national one, or one of the
 * responsible centre or its prefecture: person-flow.ts) and rounds, and record the first status. Channels from the phone number (SMS/voice) are created pending.
 */
export async function registerPerson({ ctx, input }: VerbArgs<unknown>): Promise<{ id: string }> {
  requirePermission(ctx.actor, 'registerPerson');
  const f = validatePersonFields(input);
  const centreId = await resolveCentre(ctx, f.responsibleCentreCode);
  const institutionId = await reportingInstitutionId(ctx, f.reportingInstitutionCode);
  const today = await centreToday(ctx, centreId);
  const flow = await assignableFlow(ctx, f.flowKey ?? defaultFlowKey(f.classification, f.dateOfBirth, today), centreId);

  const [dup] = await ctx.tx.select({ id: persons.id }).from(persons).where(and(eq(persons.responsibleCentreId, centreId), eq(persons.caseNumber, f.caseNumber)));
  if (dup) throw new ConflictError('a person with this case number already exists at this health centre', undefined, 'この保健所に同じ患者IDの対象者がいます');

  const values = newPersonValues(ctx, f, { centreId, institutionId, today });
  const [row] = await ctx.tx.insert(persons).values(values).returning({ id: persons.id });
  const personId = row!.id;
  await ctx.tx.insert(personStatusHistory).values(firstStatusValues(ctx, personId, values.status));
  await ctx.tx.insert(flowAssignments).values({ personId, flowId: flow.id, roundTimes: [...(f.roundTimes ?? (await centreRoundTimes(ctx, centreId, f.classification)))].sort() });
  await syncPhoneChannels(ctx, personId, f.phone ?? null);
  await writeAudit(ctx, { action: 'create', entity: 'person', entityId: personId, personId });
  return { id: personId };
}

/** The persons row of a new person (registerPerson, and the bulk import's multi-row insert). */
export function newPersonValues(ctx: Ctx, f: PersonFields, at: { centreId: string; institutionId: string | null; today: string }) {
  const { responsibleCentreCode: _c, reportingInstitutionCode: _i, roundTimes: _r, flowKey: _f, ...fields } = f;
  return {
    ...fields,
    status: f.status ?? DEFAULT_STATUS[f.classification],
    responsibleCentreId: at.centreId,
    reportingInstitutionId: at.institutionId,
    monitoringStart: f.monitoringStart ?? at.today,
    createdBy: ctx.actor.kind === 'staff' ? ctx.actor.staffId : null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
}

/** A new person's first status history row. */
export const firstStatusValues = (ctx: Ctx, personId: string, status: PersonFields['status'] & string) => ({
  personId,
  status,
  changedBy: ctx.actor.kind === 'staff' ? ctx.actor.staffId : null,
  changedAt: ctx.now,
});
