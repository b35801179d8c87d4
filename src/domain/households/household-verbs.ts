import { and, eq, max } from 'drizzle-orm';
import { z } from 'zod';
import { CHANNEL_KINDS, householdMembers, households, MONITORED_STATUSES, persons, type ChannelKind } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { requirePermission } from '../permissions';
import { personInScope, staffIdOf } from '../persons/person-in-scope';
import { sendCheckNow } from '../persons/send-check-now';
import { updatePerson } from '../persons/update-person';
import { endMonitoring } from '../rounds/end-monitoring';
import { parseInput } from '../validation';
import { householdById, householdOf, type HouseholdView } from './household-members';
import { openHouseholdChecks } from './household-session';

const relation = z.string().trim().min(1).max(20).optional();
// A member by id, or (the console's form, the import) by case number at the household's centre.
const memberSchema = z
  .object({ personId: z.uuid({ message: 'must be a person id' }).optional(), caseNumber: z.string().trim().min(1).max(60).optional(), relation, position: z.number().int().min(0).max(99).optional() })
  .refine((m) => m.personId || m.caseNumber, { message: 'give personId or caseNumber', path: ['caseNumber'] });

export const householdSchema = z.object({
  reporterPersonId: z.uuid({ message: 'must be a person id' }),
  reporterRelation: relation,
  householdNumber: z.string().trim().min(1).max(40).optional(),
  members: z.array(memberSchema).max(20).default([]),
});

async function joinHousehold(ctx: VerbArgs<unknown>['ctx'], householdId: string, centreId: string, m: z.infer<typeof memberSchema>): Promise<string> {
  let personId = m.personId;
  if (!personId) {
    const [byCase] = await ctx.tx.select({ id: persons.id }).from(persons).where(and(eq(persons.responsibleCentreId, centreId), eq(persons.caseNumber, m.caseNumber!)));
    if (!byCase) throw new ValidationError([{ field: 'caseNumber', message: 'no person with this case number at the household’s health centre', messageJa: 'この患者IDの対象者は世帯の保健所にいません' }]);
    personId = byCase.id;
  }
  const person = await personInScope(ctx, personId, { forUpdate: true });
  if (person.responsibleCentreId !== centreId) {
    throw new ValidationError([{ field: 'personId', message: 'a household is followed by one health centre', messageJa: '世帯の全員が同じ保健所の担当である必要があります' }]);
  }
  const [already] = await ctx.tx.select({ householdId: householdMembers.householdId }).from(householdMembers).where(eq(householdMembers.personId, person.id));
  if (already && already.householdId !== householdId) throw new ConflictError('this person already belongs to another household', undefined, 'この対象者はすでに別の世帯に登録されています');
  if (already) return person.id;
  const [last] = await ctx.tx.select({ p: max(householdMembers.position) }).from(householdMembers).where(eq(householdMembers.householdId, householdId));
  await ctx.tx.insert(householdMembers).values({ personId: person.id, householdId, relation: m.relation ?? null, position: m.position ?? (last?.p ?? 0) + 1, createdAt: ctx.now });
  await writeAudit(ctx, { action: 'household_join', entity: 'household', entityId: householdId, personId: person.id });
  return person.id;
}

/**
 * 世帯の登録: a reporter (a registered person: a parent, spouse or carer whose channel the
 * household answers on) and the members they answer for. Everyone must be followed by the
 * same health centre and belong to no other household.
 * @example await createHousehold({ ctx, input: { reporterPersonId, reporterRelation: '母', members: [{ personId, relation: '子' }] } })
 */
export async function createHousehold({ ctx, input }: VerbArgs<unknown>): Promise<{ id: string }> {
  requirePermission(ctx.actor, 'createHousehold');
  const f = parseInput(householdSchema, input);
  const reporter = await personInScope(ctx, f.reporterPersonId, { forUpdate: true });
  const [row] = await ctx.tx
    .insert(households)
    .values({ responsibleCentreId: reporter.responsibleCentreId, householdNumber: f.householdNumber ?? null, reporterPersonId: reporter.id, createdBy: staffIdOf(ctx), createdAt: ctx.now, updatedAt: ctx.now })
    .onConflictDoNothing()
    .returning({ id: households.id });
  if (!row) throw new ConflictError('this household number is already used at this health centre', undefined, 'この世帯番号はこの保健所ですでに使われています');
  await writeAudit(ctx, { action: 'create', entity: 'household', entityId: row.id, personId: reporter.id });
  await joinHousehold(ctx, row.id, reporter.responsibleCentreId, { personId: reporter.id, relation: f.reporterRelation, position: 0 });
  for (const m of f.members) await joinHousehold(ctx, row.id, reporter.responsibleCentreId, m);
  return { id: row.id };
}

/** The household a person is in (audited as a read of that person), or null. */
export async function getHousehold({ ctx, input }: VerbArgs<{ personId: string }>): Promise<HouseholdView | null> {
  requirePermission(ctx.actor, 'getHousehold');
  const person = await personInScope(ctx, input.personId);
  const h = await householdOf(ctx.tx, person.id);
  if (h) await writeAudit(ctx, { action: 'read', entity: 'household', entityId: h.id, personId: person.id });
  return h;
}

async function householdInScope(ctx: VerbArgs<unknown>['ctx'], householdId: string): Promise<HouseholdView> {
  const h = await householdById(ctx.tx, householdId);
  const anyone = h?.reporterPersonId ?? h?.members[0]?.personId; // a contact reporter is no person: then its first member
  if (!h || !anyone) throw new NotFoundError('household', householdId);
  await personInScope(ctx, anyone); // the household is in scope when its reporter is
  return h;
}

/** Link a person to a household (they are then asked about through its reporter). */
export async function addHouseholdMember({ ctx, input }: VerbArgs<{ householdId: string; member: unknown }>): Promise<{ personId: string }> {
  requirePermission(ctx.actor, 'addHouseholdMember');
  const m = parseInput(memberSchema, input.member);
  const h = await householdInScope(ctx, input.householdId);
  return { personId: await joinHousehold(ctx, h.id, h.centreId, m) };
}

/**
 * Unlink a member or move them out (転出・別居): from the next round they are asked on
 * their own channel. The reporter cannot leave while others remain: give the household
 * another reporter first (setHouseholdReporter).
 */
export async function removeHouseholdMember({ ctx, input }: VerbArgs<{ householdId: string; personId: string }>): Promise<{ removed: boolean }> {
  requirePermission(ctx.actor, 'removeHouseholdMember');
  const h = await householdInScope(ctx, input.householdId);
  await personInScope(ctx, input.personId);
  if (input.personId === h.reporterPersonId && h.members.length > 1) {
    throw new ConflictError('the reporter cannot leave while others remain in the household', undefined, '他の世帯員がいる間は報告者を外せません。先に報告者を変更してください');
  }
  const gone = await ctx.tx.delete(householdMembers).where(and(eq(householdMembers.householdId, h.id), eq(householdMembers.personId, input.personId))).returning({ personId: householdMembers.personId });
  if (gone.length) await writeAudit(ctx, { action: 'household_leave', entity: 'household', entityId: h.id, personId: input.personId });
  return { removed: gone.length > 0 };
}

/** Make another member the one who answers for the household. */
export async function setHouseholdReporter({ ctx, input }: VerbArgs<{ householdId: string; personId: string }>): Promise<{ reporterPersonId: string }> {
  requirePermission(ctx.actor, 'setHouseholdReporter');
  const h = await householdInScope(ctx, input.householdId);
  if (!h.members.some((m) => m.personId === input.personId)) throw new ValidationError([{ field: 'personId', message: 'must be a member of the household', messageJa: '世帯員から選んでください' }]);
  await ctx.tx.update(households).set({ reporterPersonId: input.personId, updatedAt: ctx.now }).where(eq(households.id, h.id));
  await ctx.tx.update(householdMembers).set({ position: 0 }).where(eq(householdMembers.personId, input.personId));
  await writeAudit(ctx, { action: 'update', entity: 'household', entityId: h.id, personId: input.personId, details: { fields: ['reporterPersonId'] } });
  return { reporterPersonId: input.personId };
}

const actionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('send_check') }),
  z.object({ action: z.literal('end_monitoring'), reason: z.string().trim().min(1).max(200).default('ended_by_staff') }),
  z.object({ action: z.literal('set_channel'), channel: z.enum(CHANNEL_KINDS) }),
]);

/**
 * Act on the whole household at once, each member through the same verb as one person:
 * 「今すぐ送信」 (one check per monitored member; only the reporter's goes out — the others
 * are asked in the same conversation), end monitoring, change the channel (the
 * reporter's: the household answers on it). Returns the members acted on.
 */
export async function actOnHousehold({ ctx, input }: VerbArgs<{ householdId: string; action: unknown }>): Promise<{ personIds: string[]; sessions: { sessionId: string; channel: ChannelKind }[] }> {
  requirePermission(ctx.actor, 'actOnHousehold');
  const a = parseInput(actionSchema, input.action);
  const h = await householdInScope(ctx, input.householdId);
  const monitored = h.members.filter((m) => MONITORED_STATUSES.includes(m.status));
  const sessions: { sessionId: string; channel: ChannelKind }[] = [];
  const acted: string[] = [];
  if (a.action === 'send_check') {
    const reporter = monitored.find((m) => m.personId === h.reporterPersonId);
    if (!reporter) throw new ConflictError('the household reporter is not under monitoring', undefined, '報告者が健康観察中でないため、世帯への一括送信はできません');
    const sent = await sendCheckNow({ ctx, input: { personId: reporter.personId } });
    sessions.push(sent);
    // The others are asked in the reporter's conversation: pending checks, begun when it reaches them.
    await openHouseholdChecks(ctx, reporter.personId, sent.channel);
    acted.push(...monitored.map((m) => m.personId));
  } else if (a.action === 'end_monitoring') {
    for (const m of monitored) {
      await endMonitoring({ ctx, input: { personId: m.personId, reason: a.reason } });
      acted.push(m.personId);
    }
  } else {
    for (const m of h.members) {
      await updatePerson({ ctx, input: { personId: m.personId, fields: { preferredChannel: a.channel } } });
      acted.push(m.personId);
    }
  }
  await writeAudit(ctx, { action: `household_${a.action}`, entity: 'household', entityId: h.id, details: { members: acted.length } });
  return { personIds: acted, sessions };
}

/**
 * 「世帯員として登録」 from the person form: the person joins the household of the reporter
 * with this case number (at the person's centre) — created now with that reporter if it
 * has none yet.
 * @example await joinReportersHousehold({ ctx, input: { personId, reporterCaseNumber: 'C-101', relation: '子' } })
 */
export async function joinReportersHousehold({ ctx, input }: VerbArgs<{ personId: string; reporterCaseNumber: string; relation?: string }>): Promise<{ householdId: string }> {
  requirePermission(ctx.actor, 'joinReportersHousehold');
  const person = await personInScope(ctx, input.personId);
  const [reporter] = await ctx.tx.select({ id: persons.id }).from(persons).where(and(eq(persons.responsibleCentreId, person.responsibleCentreId), eq(persons.caseNumber, input.reporterCaseNumber.trim())));
  if (!reporter) throw new ValidationError([{ field: 'householdReporterCase', message: 'no person with this case number at the health centre', messageJa: 'この患者IDの報告者がこの保健所にいません' }]);
  const existing = await householdOf(ctx.tx, reporter.id);
  if (existing) {
    await joinHousehold(ctx, existing.id, existing.centreId, { personId: person.id, relation: input.relation || undefined });
    return { householdId: existing.id };
  }
  return createHousehold({ ctx, input: { reporterPersonId: reporter.id, members: [{ personId: person.id, relation: input.relation || undefined }] } }).then((h) => ({ householdId: h.id }));
}
