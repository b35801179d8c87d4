import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../../db/client';
import { households } from '../../../db/schema';
import { LANG_CODES, voiceFor, type Lang } from '../../flows';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { NotFoundError, ValidationError } from '../errors';
import { requirePermission } from '../permissions';
import { personInScope, staffIdOf } from '../persons/person-in-scope';
import { normalisePhone } from '../persons/person-input';
import { parseInput } from '../validation';
import { householdById } from './household-members';
import { contactForStaff } from './household-contact-view';

/**
 * A household's reporter who is **not** a registered person (a parent of monitored
 * children): name, relation, language, and the channel and address they are reached at.
 * Stored on the household (households.contact_*), never as a persons row — so the contact
 * never appears in person lists, statistics, rounds of their own or FHIR Patients.
 * The address is her phone, accepted in any dash form (090-1234-5678, ０９０ー…) and stored
 * as E.164: required for SMS, voice and web, optional for LINE (a nurse calls it). Her LINE
 * user id is never typed by staff: her link code sets it (linkLineUser), so saving the
 * contact here leaves it as it is.
 */
export const householdContactSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(100),
    relation: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(20).optional()),
    language: z.enum(LANG_CODES).default('ja'),
    channel: z.enum(['line', 'sms', 'voice', 'web']),
    address: z.preprocess((v) => (typeof v === 'string' && v.trim() ? v.trim() : undefined), z.string().max(64).optional()),
  })
  .transform((c, zc) => {
    // On LINE the phone may be left out; SMS, voice and the web check's link (sent by SMS) need one.
    if (c.channel === 'line' && !c.address) return { ...c, address: null };
    // No automated voice in the language (Nepali): refused here, so the contact is not silently sent links instead of calls.
    if (c.channel === 'voice' && !voiceFor(c.language)) zc.addIssue({ code: 'custom', path: ['channel'], message: 'has no automated voice in this language: choose SMS or web' });
    const e164 = c.address ? normalisePhone(c.address) : '';
    if (!/^\+[1-9]\d{6,14}$/.test(e164)) zc.addIssue({ code: 'custom', path: ['address'], message: 'must be a phone number such as 090-1234-5678 or +819012345678' });
    return { ...c, address: e164 };
  });
export type HouseholdContact = z.output<typeof householdContactSchema>;

function contactColumns(c: HouseholdContact, now: Date) {
  return { contactName: c.name, contactRelation: c.relation ?? null, contactLanguage: c.language, contactChannel: c.channel, contactAddress: c.address, updatedAt: now };
}

/**
 * Set (or replace) the household's reporter contact, a person who is not registered.
 * Audited as an update of the household (field names only, no values). The household is in
 * scope when one of its members is.
 * @example await setHouseholdContact({ ctx, input: { householdId, contact: { name: '見守 花江', relation: '母', channel: 'sms', address: '090-1234-5678' } } })
 */
export async function setHouseholdContact({ ctx, input }: VerbArgs<{ householdId: string; contact: unknown }>): Promise<{ contact: ReturnType<typeof contactForStaff> }> {
  requirePermission(ctx.actor, 'setHouseholdContact');
  const c = parseInput(householdContactSchema, input.contact);
  const h = await householdById(ctx.tx, input.householdId);
  const anyone = h?.reporterPersonId ?? h?.members[0]?.personId;
  if (!h || !anyone) throw new NotFoundError('household', input.householdId);
  await personInScope(ctx, anyone);
  const [row] = await ctx.tx.update(households).set(contactColumns(c, ctx.now)).where(eq(households.id, h.id)).returning();
  await writeAudit(ctx, { action: 'update', entity: 'household', entityId: h.id, personId: anyone, details: { fields: ['contactName', 'contactRelation', 'contactLanguage', 'contactChannel', 'contactAddress'] } });
  return { contact: contactForStaff(row!) };
}

/**
 * The bulk import's 「報告者」 row (a shared 世帯番号, 続柄 「報告者」, no 患者ID and no 診断類型):
 * the household of that number at the centre gets the row as its contact — created when it
 * is the number's first row — and no person is registered. Returns whether anything changed.
 */
export async function importHouseholdContact(ctx: Ctx, centreId: string, householdNumber: string, raw: unknown): Promise<boolean> {
  const c = parseInput(householdContactSchema, raw);
  const cols = contactColumns(c, ctx.now);
  const [created] = await ctx.tx
    .insert(households)
    .values({ responsibleCentreId: centreId, householdNumber, reporterPersonId: null, createdBy: staffIdOf(ctx), createdAt: ctx.now, ...cols })
    .onConflictDoNothing()
    .returning({ id: households.id });
  if (created) {
    await writeAudit(ctx, { action: 'create', entity: 'household', entityId: created.id, details: { fields: ['contact'], via: 'import' } });
    return true;
  }
  const [h] = await ctx.tx.select().from(households).where(and(eq(households.responsibleCentreId, centreId), eq(households.householdNumber, householdNumber)));
  if (!h) throw new ValidationError([{ field: 'householdNumber', message: 'the household could not be created', messageJa: '世帯を作成できませんでした' }]);
  const same = h.contactName === cols.contactName && h.contactRelation === cols.contactRelation && h.contactLanguage === cols.contactLanguage && h.contactChannel === cols.contactChannel && h.contactAddress === cols.contactAddress;
  if (same) return false;
  await ctx.tx.update(households).set(cols).where(eq(households.id, h.id));
  await writeAudit(ctx, { action: 'update', entity: 'household', entityId: h.id, details: { fields: ['contact'], via: 'import' } });
  return true;
}

/**
 * The contact's own STOP (停止) or START (再開) by SMS — consent, not a staff action: while
 * opted out the contact is sent nothing (an answer they still send is recorded) and the
 * members' rounds go to their own channels.
 */
export async function setContactOptOut(tx: DbOrTx, householdId: string, optedOut: boolean, now: Date): Promise<void> {
  await tx.update(households).set({ contactOptedOutAt: optedOut ? now : null, updatedAt: now }).where(eq(households.id, householdId));
}

/**
 * The contact's own 「言語」 choice by SMS (src/bot/language-command.ts) — like STOP, about
 * the number: every household she reports for speaks to her in it from now on (prompts,
 * reminders, calls, the web page, and the members' questions: flow-context.ts).
 */
export async function setContactLanguage(tx: DbOrTx, householdIds: readonly string[], lang: Lang, now: Date): Promise<void> {
  if (householdIds.length === 0) return;
  await tx.update(households).set({ contactLanguage: lang, updatedAt: now }).where(inArray(households.id, [...householdIds]));
}
