import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { DbHandle } from '../../../db/client';
import { writeAudit } from '../audit';
import { withTransaction, type Actor, type RequestInfo } from '../context';
import { localDateOf } from '../time';
import { parseInput } from '../validation';
import { csvStream, EXPORT_ENCODINGS } from './csv-stream';
import { observationColumns, observationsQuery } from './export-observations';
import { identifiesPersons, personColumns, personsQuery } from './export-persons';
import { readByPersons, readInChunks, type ReadOptions } from './row-source';

export const exportInputSchema = z.object({
  kind: z.enum(['persons', 'observations']),
  encoding: z.enum(EXPORT_ENCODINGS).default('utf-8'),
  lang: z.enum(['ja', 'en']).default('ja'),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});
export type ExportInput = z.input<typeof exportInputSchema>;

export interface ExportHost {
  dbHandle: DbHandle;
  now: () => Date;
  logger: { error(obj: object, msg: string): void };
}

/**
 * A CSV export of the actor's scope as a byte stream. Rows are read in chunks as the client
 * reads, so 100,000 rows never sit in memory. When the stream ends (or the client goes
 * away) one audit row records the export: kind, encoding and row count — no personal data.
 * Input problems are a ValidationError before any byte is sent.
 */
export function exportCsv(host: ExportHost, actor: Actor, request: RequestInfo | undefined, input: ExportInput, opts: ReadOptions = {}): { stream: Readable; filename: string } {
  const i = parseInput(exportInputSchema, input);
  const now = host.now();
  const today = localDateOf(now, 'Asia/Tokyo');
  let count = 0;
  let complete = false;
  const audit = async () => {
    try {
      await withTransaction(host.dbHandle.db, { actor, now: host.now(), request }, (ctx) =>
        writeAudit(ctx, { action: 'export', entity: i.kind, details: { rows: count, encoding: i.encoding, complete, from: i.from ?? null, to: i.to ?? null, identifiers: identifiesPersons(actor) } }),
      );
    } catch (err) {
      host.logger.error({ err: { message: (err as Error).message }, kind: i.kind }, 'export audit failed');
    }
  };
  async function* records<R>(rows: AsyncGenerator<R[]>, cells: (r: R) => unknown[]) {
    try {
      for await (const chunk of rows) {
        count += chunk.length;
        yield chunk.map(cells);
      }
      complete = true;
    } finally {
      await audit();
    }
  }
  const stamp = today.replaceAll('-', '');
  if (i.kind === 'persons') {
    const cols = personColumns(actor, i.lang);
    const rows = readInChunks(host.dbHandle, personsQuery(actor, today), opts);
    return { stream: csvStream(cols.header, records(rows, cols.cells), i.encoding), filename: `persons-${stamp}.csv` };
  }
  const cols = observationColumns(actor, i.lang);
  const rows = readByPersons(host.dbHandle, observationsQuery(actor, { from: i.from, to: i.to }), opts);
  return { stream: csvStream(cols.header, records(rows, cols.cells), i.encoding), filename: `observations-${stamp}.csv` };
}
