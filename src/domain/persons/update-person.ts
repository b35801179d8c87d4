import { and, eq, ne } from 'drizzle-orm';
import { persons } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { ConflictError, ValidationError } from '../errors';
import { parseInput } from '../validation';
import { dateOrderProblems, personFieldsSchema } from './person-input';
import { assignedFlowKey, reassignFlow } from './person-flow';
import { personInScope } from './person-in-scope';
import { syncPhoneChannels } from './phone-channels';
import { replanMonitoringEnd } from '../rounds/plan-monitoring-ends';
import { requirePermission } from '../permissions';

/**
 * What PATCH may change: the registration fields, each optional, and the flow asked
 * (flowKey). Status, centre, sharing and monitoring dates have their own verbs (they write
 * history or move scope).
 */
export const personPatchSchema = personFieldsSchema
  .omit({ status: true, responsibleCentreCode: true, reportingInstitutionCode: true, roundTimes: true, monitoringStart: true, monitoringPlannedEnd: true })
  .partial()
  .strict();

// What the end-of-monitoring rules count from (monitoring_end_rules.basis) or choose the rule by.
const PLAN_BASIS_FIELDS = ['onsetDate', 'diagnosisDate', 'lastContactDate', 'classification'];

/** Edit a person's fields; the audit row lists which fields changed (never their values). */
export async function updatePerson({ ctx, input }: VerbArgs<{ personId: string; fields: unknown }>): Promise<{ id: string; changed: string[] }> {
  requirePermission(ctx.actor, 'updatePerson');
  if (typeof input.fields !== 'object' || input.fields === null) throw new ValidationError([{ field: '(body)', message: 'must be an object of fields' }]);
  // zod's defaults would fill absent fields on a partial; only what was sent is applied.
  const sent = Object.keys(input.fields as object);
  const parsed = parseInput(personPatchSchema, input.fields) as Record<string, unknown>;
  const person = await personInScope(ctx, input.personId, { forUpdate: true });
  const flowKey = sent.includes('flowKey') ? await flowChange(ctx, person, parsed.flowKey) : null;
  const changes = fieldChanges(person, sent, parsed);
  const changed = [...Object.keys(changes), ...(flowKey ? ['flowKey'] : [])];
  if (!changed.length) return { id: person.id, changed };
  const problems = dateOrderProblems({ ...person, ...changes });
  if (problems.length) throw new ValidationError(problems);
  if (typeof changes.caseNumber === 'string') {
    const [dup] = await ctx.tx
      .select({ id: persons.id })
      .from(persons)
      .where(and(eq(persons.responsibleCentreId, person.responsibleCentreId), eq(persons.caseNumber, changes.caseNumber), ne(persons.id, person.id)));
    if (dup) throw new ConflictError('a person with this case number already exists at this health centre', undefined, 'この保健所に同じ患者IDの対象者がいます');
  }
  await ctx.tx.update(persons).set({ ...changes, updatedAt: ctx.now }).where(eq(persons.id, person.id));
  if (flowKey) await reassignFlow(ctx, person.id, flowKey, person.responsibleCentreId);
  if (PLAN_BASIS_FIELDS.some((f) => f in changes)) await replanMonitoringEnd(ctx.tx, person.id, ctx.now);
  // SMS and voice go to the channel rows, not to persons.phone: keep them on the current number.
  const phone = 'phone' in changes ? (changes.phone as string | null) : person.phone;
  const channels = 'phone' in changes || 'preferredChannel' in changes ? await syncPhoneChannels(ctx, person.id, phone) : [];
  await writeAudit(ctx, { action: 'update', entity: 'person', entityId: person.id, personId: person.id, details: { fields: changed, ...(channels.length ? { channels } : {}) } });
  return { id: person.id, changed };
}

/**
 * The fields sent whose parsed value differs from the person's (flowKey apart: it is not a
 * column). An empty result means the edit changes nothing. Shared with the bulk import,
 * which leaves a re-imported row alone without a statement when nothing differs.
 */
export function fieldChanges(person: object, sent: readonly string[], parsed: Record<string, unknown>): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const key of sent) {
    if (!(key in parsed) || key === 'flowKey') continue;
    const next = parsed[key] ?? null;
    const current = (person as Record<string, unknown>)[key] ?? null;
    if (JSON.stringify(next) !== JSON.stringify(current)) changes[key] = next;
  }
  return changes;
}

/** The flow key a PATCH asks for when it differs from the person's current one, else null. */
async function flowChange(ctx: Ctx, person: { id: string }, key: unknown): Promise<string | null> {
  if (typeof key !== 'string') throw new ValidationError([{ field: 'flowKey', message: 'is required', messageJa: '質問フローを指定してください' }]);
  return key === (await assignedFlowKey(ctx, person.id)) ? null : key;
}
