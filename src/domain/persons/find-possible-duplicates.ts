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

// What a candidate shows a nurse comparing two persons.
const CANDIDATE_COLUMNS = {
  id: persons.id,
  caseNumber: persons.caseNumber,
  name: persons.name,
  nameKana: persons.nameKana,
  dateOfBirth: persons.dateOfBirth,
  phone: persons.phone,
  responsibleCentreId: persons.responsibleCentreId,
  status: persons.status,
};

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
    .select(CANDIDATE_COLUMNS)
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

/** One person of a batch whose possible duplicates are looked for (findPossibleDuplicatesOfMany). */
export interface DuplicateProbe {
  id: string;
  kanaName?: string | null;
  birthDate?: string | null;
  phoneE164?: string | null;
}

/**
 * findPossibleDuplicates for many persons in one query (a bulk import's chunk): the same
 * matches (folded kana + birth date, or phone) in the given centres, each probe never
 * matched with itself. Returns the candidates per probe id, ordered as the single query
 * orders them, at most `limit` each.
 */
export async function findPossibleDuplicatesOfMany(tx: DbOrTx, q: { scopeCentreIds: readonly string[]; probes: readonly DuplicateProbe[]; limit?: number }): Promise<Map<string, DuplicateCandidate[]>> {
  const out = new Map<string, DuplicateCandidate[]>();
  const keyOf = (kana: string | null | undefined, birthDate: string | null | undefined) => (kana && birthDate ? `${birthDate}|${foldName(kana)}` : null);
  const pairs = new Set(q.probes.map((p) => keyOf(p.kanaName, p.birthDate)).filter((k): k is string => k !== null && !k.endsWith('|')));
  const phones = new Set(q.probes.map((p) => p.phoneE164).filter((p): p is string => !!p));
  if (!q.scopeCentreIds.length || (!pairs.size && !phones.size)) return out;
  const births = [...new Set([...pairs].map((k) => k.slice(0, k.indexOf('|'))))];
  const matches: SQL[] = [];
  if (pairs.size) matches.push(and(inArray(persons.dateOfBirth, births), inArray(sql`${persons.dateOfBirth}::text || '|' || ${foldedColumn(persons.nameKana)}`, [...pairs]))!);
  if (phones.size) matches.push(inArray(persons.phone, [...phones]));
  const rows = await tx
    .select(CANDIDATE_COLUMNS)
    .from(persons)
    .where(and(inArray(persons.responsibleCentreId, [...q.scopeCentreIds]), or(...matches)))
    .orderBy(persons.caseNumber, persons.id);
  const byPair = new Map<string, typeof rows>();
  const byPhone = new Map<string, typeof rows>();
  for (const r of rows) {
    const k = keyOf(r.nameKana, r.dateOfBirth);
    if (k && pairs.has(k)) byPair.set(k, [...(byPair.get(k) ?? []), r]);
    if (r.phone && phones.has(r.phone)) byPhone.set(r.phone, [...(byPhone.get(r.phone) ?? []), r]);
  }
  for (const p of q.probes) {
    const k = keyOf(p.kanaName, p.birthDate);
    const sameKana = new Set((k && byPair.get(k)) || []);
    const samePhone = new Set((p.phoneE164 && byPhone.get(p.phoneE164)) || []);
    const found = rows
      .filter((r) => r.id !== p.id && (sameKana.has(r) || samePhone.has(r)))
      .slice(0, q.limit ?? 20)
      .map((r) => ({ ...r, matchedBy: [...(sameKana.has(r) ? ['kana_and_birth_date' as const] : []), ...(samePhone.has(r) ? ['phone' as const] : [])] }));
    if (found.length) out.set(p.id, found);
  }
  return out;
}
