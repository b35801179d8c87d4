import { inArray } from 'drizzle-orm';
import { flowAssignments, personChannels, personDuplicateCandidates, persons, personSharedCentres, personStatusHistory, testRecords } from '../../../db/schema';
import { writeAudits, type AuditEntry } from '../audit';
import type { Ctx } from '../context';
import { requirePermission } from '../permissions';
import { centreToday } from '../persons/centre-today';
import { findPossibleDuplicatesOfMany } from '../persons/find-possible-duplicates';
import { assignableFlow } from '../persons/person-flow';
import { defaultFlowKey, type PersonFields, validatePersonFields } from '../persons/person-input';
import { PHONE_CHANNELS } from '../persons/phone-channels';
import { firstStatusValues, newPersonValues, reportingInstitutionId, resolveCentre } from '../persons/register-person';
import { checkTestRecordDates } from '../persons/test-records';
import { fieldChanges, personPatchSchema } from '../persons/update-person';
import { centreRoundTimes } from '../jurisdictions/centre-settings';
import { replanMonitoringEnds } from '../rounds/plan-monitoring-ends';
import { residenceRouter } from '../jurisdictions/residence-centre';
import { parseInput } from '../validation';
import { importedByCase, importRow, type ImportTarget, type RowOutcome } from './import-row';
import type { ColumnMapping } from './person-columns';
import { problemsOf } from './row-problems';
import type { ParsedRow, RowProblem } from './row-to-person';

export interface ChunkResult {
  counts: Record<RowOutcome | 'failed', number>;
  problems: RowProblem[];
  persons: { personId: string; outcome: 'created' | 'updated'; row: number }[];
}

interface NewRow {
  parsed: ParsedRow;
  fields: PersonFields;
  /** The importing centre, or the centre of residence the address lies in (居住地管轄). */
  centreId: string;
  flowId: string;
  institutionId: string | null;
  roundTimes: string[];
}

/**
 * One chunk of an import (a few hundred rows) in set-based statements, in the chunk's
 * transaction: one query for the case numbers already at the centre, multi-row inserts of
 * the new persons with their status, flow assignment, SMS/voice channels, test records and
 * audit rows, one query for possible duplicates. A new person whose address lies in another
 * centre's area (jurisdictions.municipalities, residence-centre.ts) is registered there —
 * 居住地管轄 — and shared with the importing centre; an address naming no one centre keeps
 * the person here — a dozen statements a chunk instead of two
 * dozen a row. The rules are registerPerson's own (validatePersonFields, newPersonValues, the
 * centre resolved and scoped by resolveCentre, the flow by assignableFlow), so a row is
 * refused here exactly as a nurse typing it would be; the per-row messages come from
 * problemsOf as before.
 *
 * What the batch does not settle goes row by row through importRow (registerPerson /
 * updatePerson, each in its own savepoint): a re-imported row that changes something, a case
 * number twice in the chunk, a case number another chunk created meanwhile (the insert
 * skips it on the unique index), and — when a batch statement fails — every row of the
 * batch, so one bad row still fails alone.
 */
export async function importChunk(ctx: Ctx, rows: readonly ParsedRow[], target: ImportTarget, layout: { mapping: ColumnMapping; header: readonly string[] }): Promise<ChunkResult> {
  const out: ChunkResult = { counts: { created: 0, updated: 0, unchanged: 0, failed: 0 }, problems: [], persons: [] };
  const refuse = (row: number, err: unknown) => {
    out.counts.failed++;
    out.problems.push(...problemsOf(err, row, layout.mapping, layout.header));
  };
  const valid = rows.filter((r) => {
    if (!r.problems.length) return true;
    out.counts.failed++;
    out.problems.push(...r.problems);
    return false;
  });
  const caseOf = (r: ParsedRow) => String(r.fields.caseNumber);
  const byCase = await importedByCase(ctx, target, valid.map(caseOf));
  const knownSpecimens = await specimensOf(ctx, [...byCase.values()].map((p) => p.id));

  const rowByRow: ParsedRow[] = [];
  const creates: ParsedRow[] = [];
  const seen = new Set<string>();
  for (const r of valid) {
    const caseNumber = caseOf(r);
    const person = byCase.get(caseNumber);
    if (r.contact) rowByRow.push(r); // a household's 「報告者」 row: its contact, not a person (importRow)
    else if (seen.has(caseNumber)) rowByRow.push(r); // the second row of a case number: after the first is in
    else if (r.household) rowByRow.push(r); // 世帯番号: joins (or forms) a household in file order (importRow), rare enough to go alone
    else if (!person) creates.push(r);
    else if (unchanged(person, r, knownSpecimens)) out.counts.unchanged++;
    else rowByRow.push(r);
    seen.add(caseNumber);
  }

  if (creates.length) {
    try {
      const skipped = await ctx.tx.transaction((sp) => createMany({ ...ctx, tx: sp }, creates, target, out, refuse));
      rowByRow.push(...skipped);
    } catch {
      // Rolled back (nothing of the batch was counted yet): each row alone, those already refused apart.
      const refused = new Set(out.problems.map((p) => p.row));
      rowByRow.push(...creates.filter((r) => !refused.has(r.row)));
    }
  }

  for (const parsed of rowByRow.sort((a, b) => a.row - b.row)) {
    try {
      const r = await ctx.tx.transaction((sp) => importRow({ ...ctx, tx: sp }, parsed, target));
      out.counts[r.outcome]++;
      if (r.outcome !== 'unchanged' && r.personId) out.persons.push({ personId: r.personId, outcome: r.outcome, row: parsed.row });
    } catch (err) {
      refuse(parsed.row, err);
    }
  }
  return out;
}

/** A re-imported row equal to the record (and a specimen date already recorded): nothing to write. */
function unchanged(person: typeof persons.$inferSelect, r: ParsedRow, specimens: Set<string>): boolean {
  try {
    const { caseNumber: _same, ...fields } = r.fields;
    const parsed = parseInput(personPatchSchema, fields) as Record<string, unknown>;
    if (Object.keys(fieldChanges(person, Object.keys(fields), parsed)).length) return false;
    return !r.specimenDate || specimens.has(`${person.id}|${r.specimenDate}`);
  } catch {
    return false; // refused by updatePerson row by row, with its message
  }
}

async function specimensOf(ctx: Ctx, personIds: string[]): Promise<Set<string>> {
  if (!personIds.length) return new Set();
  const rows = await ctx.tx.select({ personId: testRecords.personId, specimenDate: testRecords.specimenDate }).from(testRecords).where(inArray(testRecords.personId, personIds));
  return new Set(rows.map((r) => `${r.personId}|${r.specimenDate}`));
}

/**
 * The new persons of a chunk, registerPerson's work in multi-row statements. Rows refused by
 * validation are reported and left out; returns the rows the insert skipped because their
 * case number arrived meanwhile (another chunk), for the row-by-row path.
 */
async function createMany(ctx: Ctx, rows: readonly ParsedRow[], target: ImportTarget, out: ChunkResult, refuse: (row: number, err: unknown) => void): Promise<ParsedRow[]> {
  requirePermission(ctx.actor, 'registerPerson');
  const importingCentreId = await resolveCentre(ctx, target.centreCode);
  const memo = <T>(fn: (...key: string[]) => Promise<T>) => {
    const seen = new Map<string, Promise<T>>();
    return (...key: string[]) => {
      const k = key.join('|');
      if (!seen.has(k)) seen.set(k, fn(...key));
      return seen.get(k)!;
    };
  };
  const todayAt = memo((centreId) => centreToday(ctx, centreId));
  const flowOf = memo((key, centreId) => assignableFlow(ctx, key, centreId));
  const institutionOf = memo((code) => reportingInstitutionId(ctx, code || undefined));
  const roundTimesOf = memo((centreId, classification) => centreRoundTimes(ctx, centreId, classification as PersonFields['classification']));
  const residence = residenceRouter(ctx);

  const ready: (NewRow & { today: string })[] = [];
  for (const parsed of rows) {
    try {
      const fields = validatePersonFields({ ...parsed.fields, responsibleCentreCode: target.centreCode });
      if (parsed.specimenDate) checkTestRecordDates(ctx, { specimenDate: parsed.specimenDate });
      const centreId = (fields.address && (await residence(fields.address)).centre?.id) || importingCentreId;
      const flow = await flowOf(fields.flowKey ?? defaultFlowKey(fields.classification, fields.dateOfBirth, await todayAt(centreId)), centreId);
      const institutionId = await institutionOf(fields.reportingInstitutionCode ?? '');
      const roundTimes = [...(fields.roundTimes ?? (await roundTimesOf(centreId, fields.classification)))].sort();
      ready.push({ parsed, fields, centreId, flowId: flow.id, institutionId, roundTimes, today: await todayAt(centreId) });
    } catch (err) {
      refuse(parsed.row, err);
    }
  }
  if (!ready.length) return [];

  const inserted = await ctx.tx
    .insert(persons)
    .values(ready.map((r) => newPersonValues(ctx, r.fields, { centreId: r.centreId, institutionId: r.institutionId, today: r.today })))
    .onConflictDoNothing({ target: [persons.responsibleCentreId, persons.caseNumber] })
    .returning({ id: persons.id, caseNumber: persons.caseNumber, centreId: persons.responsibleCentreId, status: persons.status });
  const key = (centreId: string, caseNumber: string) => `${centreId}|${caseNumber}`;
  const idOf = new Map(inserted.map((p) => [key(p.centreId, p.caseNumber), p]));
  const created = ready.flatMap((r) => {
    const p = idOf.get(key(r.centreId, r.fields.caseNumber));
    return p ? [{ ...r, id: p.id, status: p.status }] : [];
  });
  const skipped = ready.filter((r) => !idOf.has(key(r.centreId, r.fields.caseNumber))).map((r) => r.parsed);
  if (!created.length) return skipped;

  await ctx.tx.insert(personStatusHistory).values(created.map((c) => firstStatusValues(ctx, c.id, c.status)));
  await ctx.tx.insert(flowAssignments).values(created.map((c) => ({ personId: c.id, flowId: c.flowId, roundTimes: c.roundTimes })));
  const channels = created.flatMap((c) => (c.fields.phone ? PHONE_CHANNELS.map((kind) => ({ personId: c.id, kind, address: c.fields.phone!, createdAt: ctx.now, updatedAt: ctx.now })) : []));
  if (channels.length) await ctx.tx.insert(personChannels).values(channels);
  // Sent to the centre of residence: shared back with the importing centre, which keeps
  // seeing the person it imported (and finds it again by case number on a re-import).
  const routed = created.filter((c) => c.centreId !== importingCentreId);
  if (routed.length) await ctx.tx.insert(personSharedCentres).values(routed.map((c) => ({ personId: c.id, jurisdictionId: importingCentreId, createdAt: ctx.now })));
  const audits: AuditEntry[] = created.map((c) => ({ action: 'create', entity: 'person', entityId: c.id, personId: c.id, ...(c.centreId !== importingCentreId ? { details: { routedByAddress: true } } : {}) }));

  // 検体採取日: a test record as addTestRecord writes it — positive for patients and carriers.
  const tests = created.filter((c) => c.parsed.specimenDate).map((c) => ({ personId: c.id, specimenDate: c.parsed.specimenDate!, method: 'other' as const, result: c.fields.classification === 'confirmed' || c.fields.classification === 'asymptomatic' ? ('positive' as const) : ('pending' as const), createdAt: ctx.now }));
  if (tests.length) {
    const saved = await ctx.tx.insert(testRecords).values(tests).returning({ id: testRecords.id, personId: testRecords.personId, method: testRecords.method, result: testRecords.result });
    audits.push(...saved.map((t) => ({ action: 'create', entity: 'test_record', entityId: t.id, personId: t.personId, details: { method: t.method, result: t.result } })));
    await replanMonitoringEnds(ctx.tx, saved.filter((t) => t.result === 'positive').map((t) => t.personId), ctx.now);
  }
  await writeAudits(ctx, audits);
  await listDuplicates(ctx, created, target);

  for (const c of created) out.persons.push({ personId: c.id, outcome: 'created', row: c.parsed.row });
  out.counts.created += created.length;
  return skipped;
}

/**
 * Possible duplicates of the new persons, one query for the chunk, listed for a nurse as
 * importRow lists them: a person of this chunk is compared with those of earlier rows only
 * (row by row, a later row did not exist yet).
 */
async function listDuplicates(ctx: Ctx, created: readonly (NewRow & { id: string })[], target: ImportTarget): Promise<void> {
  const rowOf = new Map(created.map((c) => [c.id, c.parsed.row]));
  const found = await findPossibleDuplicatesOfMany(ctx.tx, {
    scopeCentreIds: [...new Set([target.centreId, ...created.map((c) => c.centreId)])],
    probes: created.map((c) => ({ id: c.id, kanaName: c.fields.nameKana ?? null, birthDate: c.fields.dateOfBirth ?? null, phoneE164: c.fields.phone ?? null })),
    limit: 10 + created.length,
  });
  const values = created.flatMap((c) =>
    (found.get(c.id) ?? [])
      .filter((d) => (rowOf.get(d.id) ?? -1) < c.parsed.row)
      .slice(0, 10)
      .map((d) => ({ personId: c.id, candidateId: d.id, importId: target.importId, reasons: d.matchedBy, createdAt: ctx.now })),
  );
  if (values.length) await ctx.tx.insert(personDuplicateCandidates).values(values).onConflictDoNothing();
}
