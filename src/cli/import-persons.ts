import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { systemActor, withTransaction } from '../domain/context';
import { createPersonImport } from '../domain/imports/create-person-import';
import { getPersonImport } from '../domain/imports/get-person-import';
import { runPersonImport } from '../domain/imports/run-person-import';
import { startPersonImport } from '../domain/imports/start-person-import';
import { CliUsageError, requireFlag, type CliCommand } from './command';

/**
 * Import a line list from a file, in this process (no worker or Redis needed), through the
 * same verbs as the console and the API: the same refusals, row checks, counts and audit.
 */
export const importPersonsCommand: CliCommand = {
  name: 'import-persons',
  summary: 'import persons from a CSV (UTF-8 or Shift_JIS) or XLSX line list into a health centre; --dry-run checks every row and stores nothing',
  usage: 'import-persons FILE --centre CODE [--dry-run]',
  async run(args, deps, out) {
    const file = args.positional[0];
    if (!file) throw new CliUsageError('give the file to import: import-persons FILE --centre CODE');
    const centreCode = requireFlag(args, 'centre');
    const dryRun = args.flags['dry-run'] === true;
    const size = await stat(file).catch(() => null);
    if (!size?.isFile()) throw new CliUsageError(`no such file: ${file}`);
    if (size.size > 25 * 1024 * 1024) throw new CliUsageError('the file is larger than 20 MB; split it');
    const bytes = await readFile(file);
    const as = <T>(fn: Parameters<typeof withTransaction<T>>[2]) => withTransaction(deps.db, { actor: systemActor('cli'), now: deps.now() }, fn);
    const { id, total } = await as((ctx) => createPersonImport({ ctx, input: { bytes, fileName: path.basename(file), centreCode } }));
    out(`import ${id}: ${total} rows${dryRun ? ' (dry run: nothing is stored)' : ''}`);
    await as((ctx) => startPersonImport({ ctx, input: { importId: id, dryRun } }));
    await runPersonImport(deps.db, id, { now: deps.now });
    const s = await as((ctx) => getPersonImport({ ctx, input: { importId: id } }));
    if (s.status === 'failed') {
      out(`failed: ${s.failureJa ?? ''}`);
      return 1;
    }
    out(`${dryRun ? 'would create' : 'created'}: ${s.created}, ${dryRun ? 'would update' : 'updated'}: ${s.updated}, unchanged: ${s.unchanged}, refused rows: ${s.failed}`);
    for (const e of s.errors) out(`  row ${e.row}${e.column ? ` 「${e.column}」` : ''}: ${e.messageJa} (${e.message})`);
    if (s.errorsTruncated) out('  … more in the error report: GET /api/v1/imports/' + id + '/errors.csv');
    return 0;
  },
};
