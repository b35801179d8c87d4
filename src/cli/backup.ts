import { readFile, writeFile } from 'node:fs/promises';
import { restorePgliteDataDir } from '../../db/client';
import type { Env } from '../config/env';
import { CliUsageError, type CliArgs, type CliCommand } from './command';

const PG_DUMP_HINT = 'With DATABASE_URL (PostgreSQL) use pg_dump / pg_restore and WAL archiving instead (README: Operating Mimamori, Back-up and restore).';

const fileArg = (args: CliArgs, usage: string) => {
  const file = args.positional[0];
  if (!file) throw new CliUsageError(`usage: npm run cli -- ${usage}`);
  return file;
};

/**
 * `backup FILE`: the embedded database (PGlite) as one gzipped tarball, taken by the process
 * that owns it (the running server, through the control socket, or this CLI when none
 * runs). The file holds personal data: it is written readable by its owner only.
 */
export const backupCommand: CliCommand = {
  name: 'backup',
  summary: 'back up the embedded database (PGlite) into FILE (a gzipped tarball, mode 600); PostgreSQL: pg_dump',
  usage: 'backup FILE',
  async run(args, deps, out) {
    const file = fileArg(args, this.usage);
    if (deps.dbHandle.kind !== 'pglite' || !deps.dbHandle.dumpDataDir) throw new CliUsageError(PG_DUMP_HINT);
    const tarball = await deps.dbHandle.dumpDataDir();
    const bytes = new Uint8Array(await tarball.arrayBuffer());
    await writeFile(file, bytes, { mode: 0o600 });
    out(`backed up the embedded database to ${file} (${bytes.length} bytes)`);
  },
};

/** `restore FILE` runs with no server and no database open: it creates DATA_DIR's database from the tarball. */
export async function restoreEmbedded(args: CliArgs, env: Env, out: (line: string) => void): Promise<number> {
  const file = fileArg(args, 'restore FILE');
  if (env.DATABASE_URL) throw new CliUsageError(PG_DUMP_HINT);
  const bytes = await readFile(file);
  await restorePgliteDataDir(env.DATA_DIR, new Blob([bytes]));
  out(`restored ${file} into ${env.DATA_DIR}; start the server (npm start) to use it`);
  return 0;
}

export const restoreCommand: CliCommand = {
  name: 'restore',
  summary: 'restore a backup FILE into an empty DATA_DIR (embedded database; run with the server stopped)',
  usage: 'restore FILE',
  standalone: restoreEmbedded,
  async run() {
    // Reached only through a running server's control socket: its database is open and in use.
    throw new CliUsageError('restore needs the server stopped and an empty DATA_DIR: stop npm start, then run the restore again');
  },
};
