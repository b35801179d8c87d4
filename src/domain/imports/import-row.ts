import { and, eq, inArray, or } from 'drizzle-orm';
import { personDuplicateCandidates, persons, personSharedCentres, testRecords } from '../../../db/schema';
import type { Ctx } from '../context';
import { findPossibleDuplicates } from '../persons/find-possible-duplicates';
import { registerPerson } from '../persons/register-person';
import { addTestRecord } from '../persons/test-records';
import { updatePerson } from '../persons/update-person';
import type { ParsedRow } from './row-to-person';
import { joinImportedHousehold } from '../households/household-import';
import { importHouseholdContact } from '../households/household-contact';

export type RowOutcome = 'created' | 'updated' | 'unchanged';

export interface ImportTarget {
  centreId: string;
  centreCode: string;
  importId: string;
}

/**
 * One valid row, through the same verbs as a nurse typing it: a case number already at the
 * centre updates that person (only the cells that hold a value; a row equal to the record
 * changes nothing and writes nothing), else registerPerson creates one. 検体採取日 adds a
 * test record unless the person has one of that date. A new person is checked for
 * possible duplicates, listed for a nurse (never merged automatically).
 */
export async function importRow(ctx: Ctx, parsed: ParsedRow, target: ImportTarget): Promise<{ outcome: RowOutcome; personId: string | null }> {
  if (parsed.contact && parsed.household) {
    // A 「報告者」 row: the household's reporter contact (counted as created when it changed anything), no person.
    return { outcome: (await importHouseholdContact(ctx, target.centreId, parsed.household.number, parsed.contact)) ? 'created' : 'unchanged', personId: null };
  }
  const caseNumber = String(parsed.fields.caseNumber);
  const existing = (await importedByCase(ctx, target, [caseNumber])).get(caseNumber);
  let outcome: RowOutcome;
  let personId: string;
  if (existing) {
    const { caseNumber: _same, ...fields } = parsed.fields;
    const { changed } = await updatePerson({ ctx, input: { personId: existing.id, fields } });
    personId = existing.id;
    outcome = changed.length ? 'updated' : 'unchanged';
  } else {
    personId = (await registerPerson({ ctx, input: { ...parsed.fields, responsibleCentreCode: target.centreCode } })).id;
    outcome = 'created';
  }
  if (parsed.specimenDate && (await addSpecimen(ctx, personId, parsed.specimenDate, String(parsed.fields.classification ?? existing?.classification))) && outcome === 'unchanged') outcome = 'updated';
  if (outcome === 'created') await listDuplicates(ctx, personId, parsed, target);
  if (parsed.household && (await joinImportedHousehold(ctx, personId, target.centreId, parsed.household)) && outcome === 'unchanged') outcome = 'updated';
  return { outcome, personId };
}

/**
 * The persons an import's case numbers name: the centre's own, and those an earlier import
 * of this centre sent to the centre of their residence (shared back with this centre). The
 * centre's own wins when both have the number.
 */
export async function importedByCase(ctx: Ctx, target: ImportTarget, caseNumbers: readonly string[]): Promise<Map<string, typeof persons.$inferSelect>> {
  if (!caseNumbers.length) return new Map();
  const shared = ctx.tx.select({ id: personSharedCentres.personId }).from(personSharedCentres).where(eq(personSharedCentres.jurisdictionId, target.centreId));
  const rows = await ctx.tx
    .select()
    .from(persons)
    .where(and(inArray(persons.caseNumber, [...new Set(caseNumbers)]), or(eq(persons.responsibleCentreId, target.centreId), inArray(persons.id, shared))));
  rows.sort((a, b) => Number(b.responsibleCentreId === target.centreId) - Number(a.responsibleCentreId === target.centreId));
  const out = new Map<string, typeof persons.$inferSelect>();
  for (const r of rows) if (!out.has(r.caseNumber)) out.set(r.caseNumber, r);
  return out;
}

/** A test record for the specimen date unless one exists: positive for patients and carriers, pending otherwise. */
async function addSpecimen(ctx: Ctx, personId: string, specimenDate: string, classification: string): Promise<boolean> {
  const [has] = await ctx.tx.select({ id: testRecords.id }).from(testRecords).where(and(eq(testRecords.personId, personId), eq(testRecords.specimenDate, specimenDate)));
  if (has) return false;
  const result = classification === 'confirmed' || classification === 'asymptomatic' ? 'positive' : 'pending';
  await addTestRecord({ ctx, input: { personId, specimenDate, method: 'other', result } });
  return true;
}

async function listDuplicates(ctx: Ctx, personId: string, parsed: ParsedRow, target: ImportTarget): Promise<void> {
  const found = await findPossibleDuplicates(ctx.tx, {
    scopeCentreIds: [target.centreId],
    kanaName: (parsed.fields.nameKana as string | undefined) ?? null,
    birthDate: (parsed.fields.dateOfBirth as string | undefined) ?? null,
    phoneE164: (parsed.fields.phone as string | undefined) ?? null,
    excludePersonIds: [personId],
    limit: 10,
  });
  if (!found.length) return;
  await ctx.tx
    .insert(personDuplicateCandidates)
    .values(found.map((c) => ({ personId, candidateId: c.id, importId: target.importId, reasons: c.matchedBy, createdAt: ctx.now })))
    .onConflictDoNothing();
}
