import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../../db/client';
import { jurisdictions, personImportErrors, personImportPersons, personImports } from '../../../db/schema';
import { openTable } from '../../platform/tabular/read-table';
import { TableError } from '../../platform/tabular/table-error';
import { writeAudit } from '../audit';
import { systemActor, type Actor, type Ctx } from '../context';
import { importerActor } from './import-scope';
import { type ChunkResult, importChunk } from './import-chunk';
import { type ParsedRow, rowToPerson } from './row-to-person';

const CHUNK = 500;
const IMPORT_CONCURRENCY = 4;
class DryRunRollback extends Error {}

/**
 * The background work of one import run (src/jobs/person-import.ts; the CLI calls it
 * directly). Rows go in chunks of 500, one transaction per chunk, set-based
 * (import-chunk.ts: one query for the case numbers, multi-row inserts, one duplicate query);
 * a refused row is reported with its number, field and column and the others commit
 * together, four chunks at a time. Progress is committed with each chunk. A
 * run cut off (a crash, a deploy) starts again from the top when the job is retried: rows
 * already committed are found by case number and change nothing (counted as unchanged).
 * A dry run does the same work and rolls every chunk back, keeping only the counts and
 * problems. Memory stays flat: the file is streamed, a few chunks in flight at a time.
 */
export async function runPersonImport(db: Db, importId: string, opts: { now: () => Date; chunkSize?: number; concurrency?: number }): Promise<{ status: 'done' | 'failed' | 'skipped' }> {
  const claimed = await claim(db, importId, opts.now());
  if (!claimed) return { status: 'skipped' };
  const { imp, actor } = claimed;
  if (!actor) return finish(db, imp, systemActor('person-import'), opts.now(), 'インポートを開始した職員のアカウントが無効になっているため、取り込めませんでした');
  const target = { centreId: imp.centreId, centreCode: imp.centreCode, importId: imp.id };
  const runChunk = async (rows: ParsedRow[]) => {
    let result: ChunkResult | null = null;
    try {
      await db.transaction(async (tx) => {
        result = await importChunk({ actor, tx, now: opts.now() }, rows, target, { mapping: imp.mapping, header: imp.header });
        if (imp.dryRun) throw new DryRunRollback();
        await record(tx, imp.id, result);
      });
    } catch (err) {
      if (!(err instanceof DryRunRollback)) throw err;
      await db.transaction((tx) => record(tx, imp.id, { ...result!, persons: [] })); // nobody was created
    }
  };
  // A few chunks at once, each on its own connection: most of a row's time is spent waiting
  // on PostgreSQL, so two cores keep several transactions busy. Bounded, so memory stays flat.
  const limit = Math.max(1, opts.concurrency ?? IMPORT_CONCURRENCY);
  const running = new Set<Promise<void>>();
  let failure: unknown = null;
  let chunk: ParsedRow[] = [];
  const launch = async () => {
    const p: Promise<void> = runChunk(chunk).catch((err) => void (failure ??= err)).finally(() => running.delete(p));
    running.add(p);
    chunk = [];
    if (running.size >= limit) await Promise.race(running);
  };
  try {
    const table = await openTable(imp.fileData!);
    for await (const r of table.rows()) {
      if (failure) break;
      chunk.push(rowToPerson(r, imp.mapping, imp.header));
      if (chunk.length >= (opts.chunkSize ?? CHUNK)) await launch();
    }
    if (chunk.length && !failure) await launch();
    await Promise.all(running);
  } catch (err) {
    await Promise.allSettled(running);
    if (err instanceof TableError) return finish(db, imp, actor, opts.now(), err.messageJa);
    throw err;
  }
  if (failure) throw failure;
  return finish(db, imp, actor, opts.now(), null);
}

type Claimed = typeof personImports.$inferSelect & { centreCode: string };

async function claim(db: Db, importId: string, now: Date): Promise<{ imp: Claimed; actor: Actor | null } | null> {
  return db.transaction(async (tx) => {
    const [found] = await tx
      .select({ imp: personImports, code: jurisdictions.code })
      .from(personImports)
      .innerJoin(jurisdictions, eq(jurisdictions.id, personImports.centreId))
      .where(eq(personImports.id, importId))
      .for('update', { of: personImports });
    const imp = found?.imp;
    // 'running': an attempt cut off before it finished; anything else is not ours to run.
    if (!found || !imp || !imp.fileData || (imp.status !== 'queued' && imp.status !== 'running')) return null;
    await tx.update(personImports).set({ status: 'running', startedAt: now, processed: 0, created: 0, updated: 0, unchanged: 0, failed: 0 }).where(eq(personImports.id, importId));
    if (imp.status === 'running') await tx.delete(personImportErrors).where(eq(personImportErrors.importId, importId));
    const actor = imp.createdBy ? await importerActor(tx, imp.createdBy) : systemActor('person-import');
    return { imp: { ...imp, centreCode: found.code }, actor };
  });
}

/** A chunk's counts, problems and persons, in the chunk's transaction (or after a dry run's rollback). */
async function record(tx: DbOrTx, importId: string, r: ChunkResult): Promise<void> {
  const c = r.counts;
  await tx
    .update(personImports)
    .set({
      processed: sql`${personImports.processed} + ${c.created + c.updated + c.unchanged + c.failed}`,
      created: sql`${personImports.created} + ${c.created}`,
      updated: sql`${personImports.updated} + ${c.updated}`,
      unchanged: sql`${personImports.unchanged} + ${c.unchanged}`,
      failed: sql`${personImports.failed} + ${c.failed}`,
    })
    .where(eq(personImports.id, importId));
  if (r.problems.length) await tx.insert(personImportErrors).values(r.problems.map((p) => ({ importId, row: p.row, field: p.field, columnName: p.column, message: p.message, messageJa: p.messageJa })));
  if (r.persons.length) await tx.insert(personImportPersons).values(r.persons.map((p) => ({ importId, ...p }))).onConflictDoNothing();
}

/** Done (or failed with a reason): the file is dropped after a real run, and the import audited with its counts. */
async function finish(db: Db, imp: Claimed, actor: Actor, now: Date, failureJa: string | null): Promise<{ status: 'done' | 'failed' }> {
  const status = failureJa ? 'failed' : 'done';
  await db.transaction(async (tx) => {
    const [counts] = await tx
      .update(personImports)
      .set({ status, failureJa, finishedAt: now, ...(imp.dryRun && !failureJa ? {} : { fileData: null }) })
      .where(and(eq(personImports.id, imp.id), inArray(personImports.status, ['running', 'queued'])))
      .returning();
    if (!counts) return;
    const details = { sha256: imp.fileSha256, dryRun: imp.dryRun, total: counts.total, created: counts.created, updated: counts.updated, unchanged: counts.unchanged, failed: counts.failed, ...(failureJa ? { outcome: 'failed' } : {}) };
    await writeAudit({ actor, tx, now }, { action: imp.dryRun ? 'dry_run' : 'import', entity: 'person_import', entityId: imp.id, details });
  });
  return { status };
}

/** The job gave up (its last attempt failed): the import is marked failed, so the console stops waiting for it. */
export async function markPersonImportFailed(db: Db, importId: string, now: Date): Promise<void> {
  await db
    .update(personImports)
    .set({ status: 'failed', failureJa: '取り込み中にエラーが発生しました。取り込めた行はそのまま残っています。もう一度アップロードしてください（同じ行は重複しません）', finishedAt: now })
    .where(and(eq(personImports.id, importId), inArray(personImports.status, ['queued', 'running'])));
}
