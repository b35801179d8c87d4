import { and, eq, inArray, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { persons } from '../../../db/schema';
import { foldedColumn, foldName } from './search-terms';

export interface DuplicateQuery {
  /** Health centres whose persons are compared (担当保健所); empty → no candidates. */
  scopeCentreIds: readonly string[];
  /** フリガナ in any form (hiragana, half-width katakana, spaces): folded before comparing. */
  kanaName?: string | null;
  /** YYYY-MM-DD; compared together with the kana name, never alone. */
  birthDate?: string | null;
  /** E.164 (+819012345678); a shared phone alone makes a candidate (households share numbers: a nurse decides). */
  phoneE164?: string | null;
  /** Persons never to return (the person being checked itself). */
  excludePersonIds?: readonly string[];
  limit?: number;
}

export type DuplicateReason = 'kana_and_birth_date' | 'phone';

export interface DuplicateCandidate {
  id: string;
  caseNumber: string;
  name: string;
  nameKana: string | null;
  dateOfBirth: string | null;
  phone: string | null;
  responsibleCentreId: string;
  status: string;
  matchedBy: DuplicateReason[];
}

/**
 * Persons that may be the same human as the one described: the same kana name after folding
 * (hiragana = katakana, full/half width, spaces ignored — search-terms.ts) and the same date of
 * birth, or the same phone number. Candidates only: a nurse merges or keeps them apart.
 * This is a query helper, not a verb: the caller has already checked the actor's scope and
 * passes the centres it may compare in, and writes any audit row it needs.
 *
 * @example
 *   await findPossibleDuplicates(ctx.tx, { scopeCentreIds: [centreId], kanaName: 'やまだ たろう', birthDate: '1948-04-01', phoneE164: '+819012345678' })
 *   // → [{ id, caseNumber, name, …, matchedBy: ['kana_and_birth_date', 'phone'] }]
 */
export async function findPossibleDuplicates(tx: DbOrTx, q: DuplicateQuery): Promise<DuplicateCandidate[]> {
  if (!q.scopeCentreIds.length) return [];
  const kana = q.kanaName ? foldName(q.kanaName) : '';
  const byKana: SQL | null = kana && q.birthDate ? and(eq(persons.dateOfBirth, q.birthDate), sql`${foldedColumn(persons.nameKana)} = ${kana}`)! : null;
  const byPhone: SQL | null = q.phoneE164 ? eq(persons.phone, q.phoneE164) : null;
  const matches = [byKana, byPhone].filter((c): c is SQL => c !== null);
  if (!matches.length) return [];
  const rows = await tx
    .select({
      id: persons.id,
      caseNumber: persons.caseNumber,
      name: persons.name,
      nameKana: persons.nameKana,
      dateOfBirth: persons.dateOfBirth,
      phone: persons.phone,
      responsibleCentreId: persons.responsibleCentreId,
      status: persons.status,
    })
    .from(persons)
    .where(
      and(
        inArray(persons.responsibleCentreId, [...q.scopeCentreIds]),
        or(...matches),
        q.excludePersonIds?.length ? notInArray(persons.id, [...q.excludePersonIds]) : undefined,
      ),
    )
    .orderBy(persons.caseNumber, persons.id)
    .limit(q.limit ?? 20);
  return rows.map((r) => {
    const matchedBy: DuplicateReason[] = [];
    if (byKana && r.dateOfBirth === q.birthDate && foldName(r.nameKana ?? '') === kana) matchedBy.push('kana_and_birth_date');
    if (byPhone && r.phone === q.phoneE164) matchedBy.push('phone');
    return { ...r, matchedBy };
  });
}
