import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fhirClients } from '../../db/schema';
import { REDIS_URL } from '../support/deps';
import { createTestDatabase, type TestDatabase } from '../support/pg';
import { spawnEntry } from '../support/server-process';
import { makeKey } from './support';

let db: TestDatabase;
const dir = mkdtempSync(path.join(tmpdir(), 'mimamori-fhir-cli-'));
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => spawnEntry('src/cli.ts', { DATABASE_URL: db.url, REDIS_URL }, args);

describe('npm run cli -- create-fhir-client', () => {
  it('registers a client of a prefecture and prints its client id', async () => {
    const jwks = path.join(dir, 'jwks.json');
    writeFileSync(jwks, JSON.stringify({ keys: [(await makeKey('ES384')).jwk] }));
    const run = cli(['create-fhir-client', '--name', '都の集計システム', '--jurisdiction', '13', '--scope', 'system/Patient.rs system/Observation.rs', '--jwks', jwks]);
    expect(await run.exited, run.output()).toBe(0);
    const id = run.output().trim().split('\n').pop()!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const [row] = await db.handle.db.select().from(fhirClients).where(eq(fhirClients.id, id));
    expect(row).toMatchObject({ name: '都の集計システム', scopes: ['system/Patient.rs', 'system/Observation.rs'] });
  }, 60_000);

  it('refuses an unknown jurisdiction and a file that is not JSON, registering nothing', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, 'not json');
    const notJson = cli(['create-fhir-client', '--name', 'x', '--jurisdiction', '13', '--scope', 'system/Patient.rs', '--jwks', bad]);
    expect(await notJson.exited).not.toBe(0);
    expect(notJson.output()).toMatch(/not a readable JSON file/);
    const jwks = path.join(dir, 'jwks2.json');
    writeFileSync(jwks, JSON.stringify({ keys: [(await makeKey('ES384')).jwk] }));
    const unknown = cli(['create-fhir-client', '--name', 'x', '--jurisdiction', '99', '--scope', 'system/Patient.rs', '--jwks', jwks]);
    expect(await unknown.exited).not.toBe(0);
    expect(unknown.output()).toMatch(/jurisdictionCode: unknown jurisdiction/);
    expect((await db.handle.db.select().from(fhirClients)).length).toBe(1);
  }, 60_000);
});
