import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { persons } from '../../db/schema';
import { REDIS_URL } from '../support/deps';
import { createCentre } from '../support/fixtures';
import { lineListCsv } from '../support/line-list';
import { createTestDatabase, type TestDatabase } from '../support/pg';
import { spawnEntry } from '../support/server-process';

let db: TestDatabase;
const file = path.join(tmpdir(), `line-list-${process.pid}.csv`);
beforeAll(async () => {
  db = await createTestDatabase();
  await createCentre(db.handle.db, { code: 'CLI-IMP' });
  await writeFile(file, lineListCsv(20, { prefix: 'CLI', bad: { 3: 'date' } }));
});
afterAll(() => db.drop());

const cli = (args: string[]) => spawnEntry('src/cli.ts', { DATABASE_URL: db.url, REDIS_URL }, args);

describe('npm run cli -- import-persons', () => {
  it('a dry run reports the counts and the refused row and stores nothing; then the import creates the rest', async () => {
    const dry = cli(['import-persons', file, '--centre', 'CLI-IMP', '--dry-run']);
    expect(await dry.exited, dry.output()).toBe(0);
    expect(dry.output()).toMatch(/would create: 19, would update: 0, unchanged: 0, refused rows: 1/);
    expect(dry.output()).toMatch(/row 5 「生年月日」: 日付が読み取れません/);
    expect(await db.handle.db.select().from(persons).where(like(persons.caseNumber, 'CLI-%'))).toEqual([]);

    const run = cli(['import-persons', file, '--centre', 'CLI-IMP']);
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).toMatch(/created: 19, updated: 0, unchanged: 0, refused rows: 1/);
    expect(await db.handle.db.select().from(persons).where(eq(persons.caseNumber, 'CLI-000000'))).toHaveLength(1);
  }, 120_000);

  it('refuses an unknown centre and a missing file clearly', async () => {
    const noCentre = cli(['import-persons', file, '--centre', 'NOPE']);
    expect(await noCentre.exited).not.toBe(0);
    expect(noCentre.output()).toMatch(/centreCode: unknown health centre|保健所が見つかりません/);
    const noFile = cli(['import-persons', '/nonexistent.csv', '--centre', 'CLI-IMP']);
    expect(await noFile.exited).toBe(64);
    expect(noFile.output()).toMatch(/no such file/);
  }, 120_000);
});
