import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/client';
import { observations, persons } from '../../db/schema';
import { migratedDataDir } from '../support/run-artefacts';
import { spawnEntry } from '../support/server-process';

/**
 * Issue 23: `npm run cli -- backup FILE` and `restore FILE` for the embedded database. The
 * demo data (persons with days of answers) is backed up, restored into a fresh DATA_DIR, and
 * every person and observation is found there.
 */
const root = mkdtempSync(path.join(tmpdir(), 'mimamori-backup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const settings = (dataDir: string) => ({ DATA_DIR: dataDir, REDIS_URL: 'redis://127.0.0.1:6379', WORKERS: 'off', QUEUE_PREFIX: `bk-${path.basename(root)}` });

async function cli(dataDir: string, ...argv: string[]) {
  const run = spawnEntry('src/cli.ts', settings(dataDir), argv);
  return { code: await run.exited, output: run.output() };
}

async function contents(dataDir: string) {
  const handle = await createDb({ dataDir });
  try {
    const p = await handle.db.select({ id: persons.id, caseNumber: persons.caseNumber }).from(persons);
    const o = await handle.db.select({ id: observations.id, raw: observations.raw }).from(observations);
    return { persons: p.sort((a, b) => a.id.localeCompare(b.id)), observations: o.sort((a, b) => a.id.localeCompare(b.id)) };
  } finally {
    await handle.close();
  }
}

// The two tests use their own folders: they run at once.
describe.concurrent('backup and restore of the embedded database', () => {
  it('round-trips every person and observation into a fresh DATA_DIR', async ({ onTestFinished }) => {
    // Seeded on a database created as a first start leaves it (startup.test.ts starts on an empty DATA_DIR).
    const source = await migratedDataDir('mimamori-backup-source-');
    onTestFinished(() => rmSync(source, { recursive: true, force: true }));
    const target = path.join(root, 'target');
    const file = path.join(root, 'mimamori.tar.gz');
    const seed = await cli(source, 'seed-demo');
    expect(seed.code, seed.output).toBe(0);

    const backup = await cli(source, 'backup', file);
    expect(backup.code, backup.output).toBe(0);
    expect(backup.output).toMatch(/backed up the embedded database to .*mimamori\.tar\.gz \(\d+ bytes\)/);
    expect(statSync(file).mode & 0o777).toBe(0o600); // personal data: owner only

    // The restore (a child process) and the reading of the source (here) are independent.
    const [restore, before] = await Promise.all([cli(target, 'restore', file), contents(source)]);
    expect(restore.code, restore.output).toBe(0);

    const after = await contents(target);
    expect(before.persons.length).toBeGreaterThanOrEqual(7);
    expect(before.observations.length).toBeGreaterThan(10);
    expect(after).toEqual(before);

    // A restore never overwrites a database.
    const again = await cli(target, 'restore', file);
    expect(again.code).not.toBe(0);
    expect(again.output).toContain('already holds a database; restore into an empty DATA_DIR');
  }, 300_000);

  it('points to pg_dump when the database is PostgreSQL', async () => {
    const run = spawnEntry('src/cli.ts', { ...settings(path.join(root, 'unused')), DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' }, ['restore', path.join(root, 'x.tar.gz')]);
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toContain('use pg_dump / pg_restore');
  }, 120_000);
});
