import { and, asc, eq, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { personContacts, persons } from '../../../db/schema';
import { onePersonScope, personScope } from '../access';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { parseInput } from '../validation';
import { clearableDate, sentFields } from './patch-fields';
import { personInScope } from './person-in-scope';
import { requirePermission } from '../permissions';

const setting = z.preprocess((v) => (v === '' ? null : v), z.string().trim().max(60, 'must be at most 60 characters').nullable().optional());

/** 接触者: who the contact is (a person id, or a case number within your scope), where and when. */
export const contactSchema = z
  .object({
    contactPersonId: z.uuid({ message: 'must be a person id' }).optional(),
    contactCaseNumber: z.string().trim().min(1, 'is required').max(40).optional(),
    setting, // household, workplace, school … (同居, 職場, 学校)
    lastContactDate: clearableDate,
  })
  .strict();
export const contactPatchSchema = z.object({ setting, lastContactDate: clearableDate }).strict();

/** The contact person by id or case number, within the actor's scope; else a field error (never "exists elsewhere"). */
async function contactPerson(ctx: Ctx, f: z.infer<typeof contactSchema>) {
  if (!f.contactPersonId && !f.contactCaseNumber) throw new ValidationError([{ field: 'contactPersonId', message: 'give contactPersonId or contactCaseNumber', messageJa: '接触者を指定してください' }]);
  const by = f.contactPersonId ? eq(persons.id, f.contactPersonId) : eq(persons.caseNumber, f.contactCaseNumber!);
  const found = await ctx.tx.select({ id: persons.id }).from(persons).where(and(by, personScope(ctx.actor))).limit(2);
  const field = f.contactPersonId ? 'contactPersonId' : 'contactCaseNumber';
  if (found.length === 0) throw new ValidationError([{ field, message: 'no such person in your scope', messageJa: '該当する対象者が見つかりません' }]);
  if (found.length > 1) throw new ValidationError([{ field, message: 'several persons have this case number: give the person id', messageJa: '同じ患者IDの対象者が複数います。対象者を特定してください' }]);
  return found[0]!.id;
}

/**
 * Link a person (the source) to one of their contacts, both persons in the actor's scope.
 * Audited on both records, since both persons' records change.
 * @example await addContact({ ctx, input: { personId, contactCaseNumber: 'C-12', setting: '同居', lastContactDate: '2026-05-01' } })
 */
export async function addContact({ ctx, input }: VerbArgs<{ personId: string } & Record<string, unknown>>): Promise<{ id: string }> {
  requirePermission(ctx.actor, 'addContact');
  const { personId, ...fields } = input;
  const f = parseInput(contactSchema, fields);
  const source = await personInScope(ctx, personId);
  const contactId = await contactPerson(ctx, f);
  if (contactId === source.id) throw new ValidationError([{ field: f.contactPersonId ? 'contactPersonId' : 'contactCaseNumber', message: 'a person cannot be their own contact', messageJa: '本人は接触者にできません' }]);
  const [row] = await ctx.tx
    .insert(personContacts)
    .values({ sourcePersonId: source.id, contactPersonId: contactId, setting: f.setting ?? null, lastContactDate: f.lastContactDate ?? null, createdAt: ctx.now })
    .onConflictDoNothing()
    .returning({ id: personContacts.id });
  if (!row) throw new ConflictError('this contact is already recorded', undefined, 'この接触者はすでに登録されています');
  await auditLink(ctx, 'link_contact', { id: row.id, sourcePersonId: source.id, contactPersonId: contactId });
  return { id: row.id };
}

/** A contact link belongs to both persons' records: one audit row on each. */
async function auditLink(ctx: Ctx, action: string, link: { id: string; sourcePersonId: string; contactPersonId: string }, details: Record<string, unknown> = {}) {
  for (const personId of [link.sourcePersonId, link.contactPersonId]) {
    await writeAudit(ctx, { action, entity: 'person_contact', entityId: link.id, personId, details: { source: link.sourcePersonId, contact: link.contactPersonId, ...details } });
  }
}

async function contactInScope(ctx: Ctx, personId: string, linkId: string) {
  const person = await personInScope(ctx, personId);
  const [link] = await ctx.tx
    .select()
    .from(personContacts)
    .where(and(eq(personContacts.id, linkId), or(eq(personContacts.sourcePersonId, person.id), eq(personContacts.contactPersonId, person.id))))
    .for('update');
  if (!link) throw new NotFoundError('person_contact', linkId);
  return link;
}

/** Change where or when the contact happened. */
export async function updateContact({ ctx, input }: VerbArgs<{ personId: string; contactId: string; fields: unknown }>): Promise<{ id: string }> {
  requirePermission(ctx.actor, 'updateContact');
  const f = parseInput(contactPatchSchema, input.fields);
  const link = await contactInScope(ctx, input.personId, input.contactId);
  const sent = sentFields(f, input.fields);
  if (Object.keys(sent).length) await ctx.tx.update(personContacts).set(sent).where(eq(personContacts.id, link.id));
  await auditLink(ctx, 'update', link, { fields: Object.keys(sent) });
  return { id: link.id };
}

/** Remove a contact link recorded by mistake (the persons stay). */
export async function removeContact({ ctx, input }: VerbArgs<{ personId: string; contactId: string }>): Promise<void> {
  requirePermission(ctx.actor, 'removeContact');
  const link = await contactInScope(ctx, input.personId, input.contactId);
  await ctx.tx.delete(personContacts).where(eq(personContacts.id, link.id));
  await auditLink(ctx, 'unlink_contact', link);
}

/**
 * A person's contact links both ways: their contacts, and the persons they are a contact
 * of. The other person shows only if it is within the actor's scope (else it is left out).
 */
export async function contactsOf(ctx: Ctx, personId: string) {
  const other = alias(persons, 'other');
  const rows = await ctx.tx
    .select({
      id: personContacts.id, sourcePersonId: personContacts.sourcePersonId, setting: personContacts.setting, lastContactDate: personContacts.lastContactDate,
      other: { id: other.id, caseNumber: other.caseNumber, name: other.name, status: other.status, classification: other.classification },
    })
    .from(personContacts)
    .innerJoin(other, or(and(eq(personContacts.sourcePersonId, personId), eq(other.id, personContacts.contactPersonId)), and(eq(personContacts.contactPersonId, personId), eq(other.id, personContacts.sourcePersonId))))
    .where(sql`exists (select 1 from ${persons} where ${persons.id} = ${other.id} and ${onePersonScope(ctx.actor)})`)
    .orderBy(asc(personContacts.createdAt));
  return rows.map(({ sourcePersonId, ...r }) => ({ ...r, direction: sourcePersonId === personId ? ('contact' as const) : ('source' as const) }));
}
