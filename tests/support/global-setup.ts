import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { createDb, migrateDb } from '../../db/client';
import { ensureReferenceData } from '../../db/seed/reference-data';
import { ensureDefaultFlows } from '../../src/domain/flows/ensure-default-flows';
import { ADMIN_URL, dbUrl } from './pg';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
    /** A folder inside the repository for this run's built artefacts (run-artefacts.ts). */
    runDir: string;
  }
}

/**
 * Once per run: a template database with the migrations and reference data applied.
 * Each test file then copies it (CREATE DATABASE … TEMPLATE), which takes milliseconds.
 * The name is unique per run, so several runs on one machine do not collide.
 */
export default async function setup(project: TestProject) {
  const name = `mimamori_tpl_${randomBytes(4).toString('hex')}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const handle = await createDb({ url: dbUrl(name), max: 1 });
  await migrateDb(handle);
  await ensureReferenceData(handle.db);
  await ensureDefaultFlows(handle.db);
  await handle.close();
  project.provide('templateDb', name);
  // Inside the repository, so that the bundled entry points find node_modules.
  const runDir = path.resolve(import.meta.dirname, '../../.test-build', name);
  project.provide('runDir', runDir);
  return async () => {
    rmSync(runDir, { recursive: true, force: true });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    // Files that crashed before their own clean-up leave copies behind.
    const left = await admin<{ datname: string }[]>`select datname from pg_database where datname like ${name.replace('tpl', 'f') + '%'}`;
    for (const { datname } of left) await admin.unsafe(`drop database if exists ${datname} with (force)`);
    await admin.end();
  };
}
