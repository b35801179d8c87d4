import { aliasedTable, and, eq } from 'drizzle-orm';
import { personDuplicateCandidates, persons } from '../../../db/schema';
import { personScope, requireRoleAtLeast } from '../access';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { NotFoundError, ValidationError } from '../errors';
import { mergePersons } from '../persons/merge-persons';
import { importInScope } from './import-scope';
import { requirePermission } from '../permissions';

const newP = aliasedTable(persons, 'new_p');
const oldP = aliasedTable(persons, 'old_p');
const summary = (p: typeof persons) => ({ id: p.id, caseNumber: p.caseNumber, name: p.name, nameKana: p.nameKana, dateOfBirth: p.dateOfBirth, phone: p.phone, address: p.address });

/**
 * The possible duplicates an import found (a new person and an existing one with the same
 * kana and birth date, or the same phone), still undecided, with both persons' identifiers
 * for a nurse to compare. Audited as a read of the import's persons.
 */
export async function listImportDuplicates({ ctx, input }: VerbArgs<{ importId: string }>) {
  requirePermission(ctx.actor, 'listImportDuplicates');
  const imp = await importInScope(ctx, input.importId);
  const rows = await ctx.tx
    .select({ id: personDuplicateCandidates.id, reasons: personDuplicateCandidates.reasons, person: summary(newP), candidate: summary(oldP) })
    .from(personDuplicateCandidates)
    .innerJoin(newP, eq(newP.id, personDuplicateCandidates.personId))
    .innerJoin(oldP, eq(oldP.id, personDuplicateCandidates.candidateId))
    .where(and(eq(personDuplicateCandidates.importId, imp.id), eq(personDuplicateCandidates.decision, 'open')))
    .orderBy(newP.caseNumber)
    .limit(500);
  await writeAudit(ctx, { action: 'read', entity: 'person_import', entityId: imp.id, details: { view: 'duplicates', rows: rows.length } });
  return { importId: imp.id, duplicates: rows };
}

/**
 * A nurse's decision on one possible duplicate: `merge` merges the new person into the
 * existing one (mergePersons), `keep_apart` marks them as different people (listed no more).
 */
export async function decideDuplicate({ ctx, input }: VerbArgs<{ candidateId: string; decision: unknown }>): Promise<{ id: string; decision: 'merge' | 'keep_apart'; personId: string }> {
  requirePermission(ctx.actor, 'decideDuplicate');
  requireRoleAtLeast(ctx.actor, 'nurse');
  if (input.decision !== 'merge' && input.decision !== 'keep_apart') {
    throw new ValidationError([{ field: 'decision', message: 'must be merge or keep_apart', messageJa: '「統合」か「別人として残す」を選んでください' }]);
  }
  const [row] = await ctx.tx
    .select({ id: personDuplicateCandidates.id, personId: personDuplicateCandidates.personId, candidateId: personDuplicateCandidates.candidateId })
    .from(personDuplicateCandidates)
    .innerJoin(persons, eq(persons.id, personDuplicateCandidates.personId))
    .where(and(eq(personDuplicateCandidates.id, input.candidateId), eq(personDuplicateCandidates.decision, 'open'), personScope(ctx.actor)));
  if (!row) throw new NotFoundError('duplicate', input.candidateId);
  if (input.decision === 'merge') {
    await mergePersons({ ctx, input: { keepPersonId: row.candidateId, mergePersonId: row.personId } });
    return { id: row.id, decision: 'merge', personId: row.candidateId };
  }
  await ctx.tx
    .update(personDuplicateCandidates)
    .set({ decision: 'kept_apart', decidedBy: ctx.actor.kind === 'staff' ? ctx.actor.staffId : null, decidedAt: ctx.now })
    .where(eq(personDuplicateCandidates.id, row.id));
  await writeAudit(ctx, { action: 'keep_apart', entity: 'person', entityId: row.personId, personId: row.personId, details: { candidateId: row.candidateId } });
  return { id: row.id, decision: 'keep_apart', personId: row.personId };
}
