import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { FACILITY_KINDS, facilities, facilityContacts, facilityResidents, flowAssignments, jurisdictions, persons } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { requirePermission } from '../permissions';
import { assignableFlow } from '../persons/person-flow';
import { personInScope } from '../persons/person-in-scope';
import { normalisePhone } from '../persons/person-input';
import { parseInput } from '../validation';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
/** A facility staff contact: who gets each round's link — by SMS (a phone, 090-… or E.164), mail, and/or LINE. */
export const facilityContactSchema = z.object({
  name: z.string().trim().min(1).max(60),
  phone: z.preprocess((v) => (typeof v === 'string' && v.trim() ? normalisePhone(v) : undefined), z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number such as 090-1234-5678 or +819012345678').optional()),
  email: z.preprocess(blankToUndefined, z.email({ message: 'must be an e-mail address' }).optional()),
  lineUserId: z.preprocess(blankToUndefined, z.string().trim().regex(/^U[0-9a-f]{32}$/, 'must be a LINE user id (U + 32 hex digits)').optional()),
});
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:MM');
export const facilitySchema = z.object({
  responsibleCentreId: z.uuid().optional(),
  /** The centre by its code (the console's choice), instead of its id. */
  responsibleCentreCode: z.string().trim().min(1).max(20).optional(),
  kind: z.enum(FACILITY_KINDS),
  name: z.string().trim().min(1).max(100),
  phone: z.string().trim().max(30).optional(),
  roundTimes: z.array(time).min(1).max(4).default(['09:00']),
  contacts: z.array(facilityContactSchema).max(10).default([]),
});

/** The centre a facility is registered at: the given one within the actor's scope, or a nurse's own centre. */
async function facilityCentre(ctx: Ctx, given: string | undefined, code?: string): Promise<string> {
  const actor = ctx.actor;
  const id = given ?? (code ? null : actor.kind === 'staff' ? actor.jurisdictionId : null);
  if (!id && !code) throw new ValidationError([{ field: 'responsibleCentreId', message: 'is required', messageJa: '担当保健所を選んでください' }]);
  const [centre] = await ctx.tx.select().from(jurisdictions).where(and(id ? eq(jurisdictions.id, id) : eq(jurisdictions.code, code!), eq(jurisdictions.kind, 'health_centre')));
  if (!centre) throw new ValidationError([{ field: 'responsibleCentreId', message: 'unknown health centre', messageJa: '保健所が見つかりません' }]);
  if (actor.kind === 'staff' && actor.role !== 'national_officer' && (!actor.jurisdictionPath || !centre.path.startsWith(actor.jurisdictionPath))) {
    throw new ForbiddenError('that health centre is outside your scope', 'この保健所はあなたの担当範囲外です');
  }
  return centre.id;
}

/**
 * 施設の登録: a care home, a recuperation hotel or a group home with its staff contacts
 * (who get each round's link) and its round times.
 * @example await createFacility({ ctx, input: { kind: 'care_home', name: 'さくら苑', contacts: [{ name: '看護師 田中', phone: '+819011112222' }] } })
 */
export async function createFacility({ ctx, input }: VerbArgs<unknown>): Promise<{ id: string }> {
  requirePermission(ctx.actor, 'createFacility');
  const f = parseInput(facilitySchema, input);
  const centreId = await facilityCentre(ctx, f.responsibleCentreId, f.responsibleCentreCode);
  const [row] = await ctx.tx
    .insert(facilities)
    .values({ responsibleCentreId: centreId, kind: f.kind, name: f.name, phone: f.phone ?? null, roundTimes: [...f.roundTimes].sort(), createdAt: ctx.now, updatedAt: ctx.now })
    .returning({ id: facilities.id });
  if (f.contacts.length) await ctx.tx.insert(facilityContacts).values(f.contacts.map((c) => ({ facilityId: row!.id, name: c.name, phone: c.phone ?? null, email: c.email ?? null, lineUserId: c.lineUserId ?? null, createdAt: ctx.now })));
  await writeAudit(ctx, { action: 'create', entity: 'facility', entityId: row!.id });
  return { id: row!.id };
}

/**
 * The facility if it is in the actor's scope: its centre within a staff member's
 * jurisdiction, or, for a facility's account, that one facility. Outside it: NotFound, as
 * if it did not exist.
 */
export async function facilityInScope(ctx: Ctx, facilityId: string) {
  const [f] = await ctx.tx.select({ f: facilities, path: jurisdictions.path }).from(facilities).innerJoin(jurisdictions, eq(jurisdictions.id, facilities.responsibleCentreId)).where(eq(facilities.id, facilityId));
  if (!f || !inScope(ctx.actor, f.f.id, f.path)) throw new NotFoundError('facility', facilityId);
  return f.f;
}

function inScope(a: Ctx['actor'], facilityId: string, centrePath: string): boolean {
  if (a.kind !== 'staff' || a.role === 'national_officer') return true;
  if (a.role === 'facility_reporter') return !!a.facilityId && a.facilityId === facilityId;
  return !!a.jurisdictionPath && centrePath.startsWith(a.jurisdictionPath);
}

/**
 * A person moves into the facility (入所): from now on they are reported on the facility's
 * round page — the facility flow at the facility's round times; no prompt of their own.
 */
export async function addFacilityResident({ ctx, input }: VerbArgs<{ facilityId: string; personId?: string; caseNumber?: string; room?: string }>): Promise<{ personId: string }> {
  requirePermission(ctx.actor, 'addFacilityResident');
  const facility = await facilityInScope(ctx, input.facilityId);
  if (!facility.active) throw new ConflictError('the facility is deactivated', undefined, 'この施設は無効です');
  let personId = input.personId?.trim() ?? '';
  if (!personId) {
    const caseNumber = input.caseNumber?.trim() ?? '';
    if (!caseNumber) throw new ValidationError([{ field: 'caseNumber', message: 'choose a person or give a case number', messageJa: '対象者を選ぶか患者IDを入力してください' }]);
    const [byCase] = await ctx.tx.select({ id: persons.id }).from(persons).where(and(eq(persons.responsibleCentreId, facility.responsibleCentreId), eq(persons.caseNumber, caseNumber)));
    if (!byCase) throw new ValidationError([{ field: 'caseNumber', message: 'no person with this case number at the facility’s health centre', messageJa: 'この患者IDの対象者は施設の保健所にいません' }]);
    personId = byCase.id;
  } else if (!z.uuid().safeParse(personId).success) {
    throw new ValidationError([{ field: 'personId', message: 'must be a person id', messageJa: '対象者を選んでください' }]);
  }
  const person = await personInScope(ctx, personId, { forUpdate: true });
  if (person.responsibleCentreId !== facility.responsibleCentreId) {
    throw new ValidationError([{ field: 'personId', message: 'the resident must be followed by the facility’s health centre', messageJa: '施設と同じ保健所の担当の対象者を選んでください' }]);
  }
  const [inserted] = await ctx.tx
    .insert(facilityResidents)
    .values({ personId: person.id, facilityId: facility.id, room: input.room?.trim() || null, createdAt: ctx.now })
    .onConflictDoNothing()
    .returning({ personId: facilityResidents.personId });
  if (!inserted) throw new ConflictError('this person is already a resident of a facility', undefined, 'この対象者はすでに施設の入所者です');
  const flow = await assignableFlow(ctx, 'facility-daily', facility.responsibleCentreId);
  await ctx.tx
    .insert(flowAssignments)
    .values({ personId: person.id, flowId: flow.id, roundTimes: facility.roundTimes, active: true })
    .onConflictDoUpdate({ target: flowAssignments.personId, set: { flowId: flow.id, roundTimes: facility.roundTimes, updatedAt: ctx.now } });
  await writeAudit(ctx, { action: 'facility_join', entity: 'facility', entityId: facility.id, personId: person.id });
  return { personId: person.id };
}

/** A resident leaves (退所): from the next round they are asked on their own channel again (staff choose their flow). */
export async function removeFacilityResident({ ctx, input }: VerbArgs<{ facilityId: string; personId: string }>): Promise<{ removed: boolean }> {
  requirePermission(ctx.actor, 'removeFacilityResident');
  const facility = await facilityInScope(ctx, input.facilityId);
  await personInScope(ctx, input.personId);
  const gone = await ctx.tx.delete(facilityResidents).where(and(eq(facilityResidents.facilityId, facility.id), eq(facilityResidents.personId, input.personId))).returning({ personId: facilityResidents.personId });
  if (gone.length) await writeAudit(ctx, { action: 'facility_leave', entity: 'facility', entityId: facility.id, personId: input.personId });
  return { removed: gone.length > 0 };
}

/** The residents of a facility in room order (the round page's rows). */
export async function facilityResidentRows(db: Ctx['tx'], facilityId: string) {
  return db
    .select({ personId: persons.id, name: persons.name, room: facilityResidents.room, status: persons.status })
    .from(facilityResidents)
    .innerJoin(persons, eq(persons.id, facilityResidents.personId))
    .where(eq(facilityResidents.facilityId, facilityId))
    .orderBy(asc(facilityResidents.room), asc(persons.nameKana), asc(persons.name), asc(persons.id));
}
