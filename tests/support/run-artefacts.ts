import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { createDb, migrateDb } from '../../db/client';
import { ensureReferenceData } from '../../db/seed/reference-data';
import { ensureDefaultFlows } from '../../src/domain/flows/ensure-default-flows';
import { buildEntryBundle } from './entry-bundle';

/**
 * Built at most once per test run, by the first test file that needs it, in the run's own
 * folder (global-setup.ts names it and removes it at the end): a file that does not need one
 * pays nothing, and files running at once wait for the one that builds it.
 */
async function oncePerRun(name: string, build: (dir: string) => Promise<void>): Promise<string> {
  const dir = path.join(inject('runDir'), name);
  const lock = `${dir}.lock`;
  mkdirSync(path.dirname(dir), { recursive: true });
  for (let waited = 0; !existsSync(dir); waited += 100) {
    let mine = false;
    try {
      mkdirSync(lock);
      mine = true;
    } catch {
      // another file is building it
    }
    if (mine) {
      const tmp = `${dir}.tmp`;
      try {
        rmSync(tmp, { recursive: true, force: true });
        await build(tmp);
        renameSync(tmp, dir);
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
      break;
    }
    if (waited > 300_000) throw new Error(`${dir} was not built within 300 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return dir;
}

/** The folder with server.js and cli.js, bundled from src/ (see entry-bundle.ts). */
export const entryBundleDir = () => oncePerRun('entries', buildEntryBundle);

/**
 * A new DATA_DIR whose embedded database (PGlite) is already created and migrated, with the
 * reference data and default flows, as a server leaves it after its first start. Creating a
 * PGlite database (its initdb, in WebAssembly) costs ~10 s of CPU; copying one costs a fraction
 * of a second. The first start on an empty DATA_DIR stays covered by tests/server/startup.test.ts.
 */
export async function migratedDataDir(prefix: string): Promise<string> {
  const template = await oncePerRun('pglite-template', async (dir) => {
    const handle = await createDb({ dataDir: dir });
    try {
      await migrateDb(handle);
      await ensureReferenceData(handle.db);
      await ensureDefaultFlows(handle.db);
    } finally {
      await handle.close();
    }
  });
  const dataDir = mkdtempSync(path.join(tmpdir(), prefix));
  cpSync(path.join(template, 'pglite'), path.join(dataDir, 'pglite'), { recursive: true });
  return dataDir;
}
