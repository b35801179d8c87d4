import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { systemActor, withTransaction } from '../domain/context';
import { importInstitutions } from '../domain/institutions/import-institutions';
import { importCentres } from '../domain/jurisdictions/import-centres';
import type { RegisterImportResult, RegisterRow } from '../domain/registers/import-rows';
import type { Deps } from '../deps';
import { readKeyedTable } from '../platform/tabular/read-keyed-table';
import { TableError } from '../platform/tabular/table-error';
import { CliUsageError, type CliArgs, type CliCommand } from './command';

type Importer = typeof importCentres;

/**
 * Read a register CSV (UTF-8 with or without BOM, or Shift_JIS) and import it in one
 * transaction, each row in its own savepoint: bad rows are listed with their line and a
 * Japanese message, the others go in. Exit code 0 when every row went in, 2 when some
 * were refused. Re-runnable: the same file again changes nothing.
 */
async function runImport(args: CliArgs, deps: Deps, out: (line: string) => void, importer: Importer): Promise<number> {
  const file = args.positional[0];
  if (!file) throw new CliUsageError('FILE is required');
  const bytes = await readFile(path.resolve(file)).catch((err: NodeJS.ErrnoException) => {
    throw new CliUsageError(`cannot read ${file}: ${err.code ?? err.message}`);
  });
  let rows: RegisterRow[];
  try {
    rows = (await readKeyedTable(bytes)).rows;
  } catch (err) {
    if (err instanceof TableError) throw new CliUsageError(`${err.messageJa} (${err.message})`);
    throw err;
  }
  const fileSha256 = createHash('sha256').update(bytes).digest('hex');
  const r = await withTransaction(deps.db, { actor: systemActor('cli'), now: deps.now() }, (ctx) => importer({ ctx, input: { rows, fileSha256 } }));
  report(r, out);
  return r.failed ? 2 : 0;
}

function report(r: RegisterImportResult, out: (line: string) => void): void {
  out(`${r.total}行: 新規 ${r.created}、更新 ${r.updated}、変更なし ${r.unchanged}、エラー ${r.failed}`);
  out(`(${r.total} rows: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${r.failed} refused)`);
  for (const e of r.errors) out(`  ${e.line}行目 ${e.code ? `[${e.code}] ` : ''}${e.messageJa}`);
}

export const importJurisdictionsCommand: CliCommand = {
  name: 'import-jurisdictions',
  summary: 'create or update health centres from a CSV file (README: Setting up a real deployment)',
  usage: 'import-jurisdictions FILE.csv',
  run: (args, deps, out) => runImport(args, deps, out, importCentres),
};

export const importInstitutionsCommand: CliCommand = {
  name: 'import-institutions',
  summary: 'create or update medical institutions from a CSV file (README: Setting up a real deployment)',
  usage: 'import-institutions FILE.csv',
  run: (args, deps, out) => runImport(args, deps, out, importInstitutions),
};
