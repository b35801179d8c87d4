import postgres from 'postgres';
import { createDb, type DbHandle } from '../../db/client';

/** A statement as it went over the wire: its text and bound parameters. */
export interface RecordedStatement {
  text: string;
  params: readonly unknown[];
}

/** A second handle on a test database (one connection) whose every statement is recorded. */
export async function recordingDb(url: string): Promise<{ handle: DbHandle; statements: RecordedStatement[] }> {
  const statements: RecordedStatement[] = [];
  const handle = await createDb({ url, max: 1, onStatement: (text, params) => statements.push({ text, params }) });
  return { handle, statements };
}

/**
 * EXPLAIN a recorded statement with its own parameters, on a connection of its own and in a
 * transaction of its own (`settings` are `set local`: e.g. enable_seqscan = off, as every
 * table of a test database is small enough for a sequential scan; the advisory locks an
 * ANALYZE takes end with it). Returns the rows EXPLAIN printed.
 */
export async function explainRecorded(url: string, statement: RecordedStatement, opts: { explain?: string; settings?: readonly string[] } = {}): Promise<Record<string, unknown>[]> {
  const pg = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await pg.begin(async (tx) => {
      for (const setting of opts.settings ?? []) await tx.unsafe(`set local ${setting}`);
      return [...(await tx.unsafe(`explain ${opts.explain ? `(${opts.explain}) ` : ''}${statement.text}`, statement.params as never[]))];
    });
  } finally {
    await pg.end();
  }
}
