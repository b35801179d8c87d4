import type { DbHandle } from '../../../db/client';
import { type ChunkedQuery, PERSON_BATCH, readInChunks, type ReadOptions } from '../reports/row-source';

/** NDJSON text (ends with a newline) and how many resources it holds. */
export interface NdjsonChunk {
  count: number;
  text: string;
}

/** What a batch query built by PostgreSQL returns: its lines joined by newlines (null when none) and their count. */
export type BatchLines = { n: number; lines: string | null } | undefined;

/**
 * The NDJSON of an export whose lines PostgreSQL builds (observation-ndjson.ts,
 * patient-ndjson.ts), a batch of persons at a time, with two batches in flight: while the
 * consumer writes one batch's text (waiting for the file's drain), PostgreSQL already builds
 * the next, so Node's and PostgreSQL's work overlap. Never more than two batches are held
 * (the one being written and the one being built), so memory stays flat; the consumer's pace
 * still drives the reads.
 */
export async function* batchLines(handle: DbHandle, ids: ChunkedQuery<{ id: string }>, build: (ids: string[]) => Promise<BatchLines>, opts: ReadOptions = {}): AsyncGenerator<NdjsonChunk> {
  let pending: Promise<BatchLines> | null = null;
  for await (const batch of readInChunks(handle, ids, { ...opts, chunk: opts.chunk ?? PERSON_BATCH })) {
    const next = build(batch.map((r) => r.id));
    // Awaited in the next round; until then a failure must not count as unhandled (it is thrown there).
    next.catch(() => {});
    if (pending) {
      const chunk = chunkOf(await pending);
      if (chunk) yield chunk;
    }
    pending = next;
  }
  const last = pending && chunkOf(await pending);
  if (last) yield last;
}

const chunkOf = (row: BatchLines): NdjsonChunk | null => (row && row.n > 0 && row.lines ? { count: row.n, text: row.lines + '\n' } : null);
