import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { inboundEvents } from '../../db/schema';
import { PREPARED_MAX_PARAMETERS } from '../../db/traced-sql';
import { createTestDatabase, type TestDatabase } from '../support/pg';

/**
 * Issue 16: drizzle's statements go to PostgreSQL as named prepared statements (parsed once
 * per connection, one round trip after that), except those with more parameters than
 * PREPARED_MAX_PARAMETERS, which stay unnamed so the per-connection cache stays bounded.
 * Seen from inside one transaction (one connection): pg_prepared_statements lists them.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const preparedTexts = async (tx: Parameters<Parameters<TestDatabase['handle']['db']['transaction']>[0]>[0]) =>
  (await queryRows<{ statement: string }>(tx, sql`select statement from pg_prepared_statements`)).map((r) => r.statement);

describe('prepared statements', () => {
  it('a query-builder statement with parameters is prepared once and reused on its connection', async () => {
    await db.handle.db.transaction(async (tx) => {
      const id = '00000000-0000-0000-0000-000000000001';
      for (let i = 0; i < 3; i++) await tx.select({ id: inboundEvents.id }).from(inboundEvents).where(eq(inboundEvents.id, id));
      const texts = await preparedTexts(tx);
      const selects = texts.filter((t) => t.startsWith('select "id" from "inbound_events" where "inbound_events"."id" = $1'));
      expect(selects).toHaveLength(1);
    });
  });

  it('a statement with more parameters than the bound (a long in-list) is not prepared', async () => {
    await db.handle.db.transaction(async (tx) => {
      const many = Array.from({ length: PREPARED_MAX_PARAMETERS + 1 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`);
      await tx.select({ id: inboundEvents.id }).from(inboundEvents).where(inArray(inboundEvents.id, many));
      await tx.select({ id: inboundEvents.id }).from(inboundEvents).where(inArray(inboundEvents.id, many.slice(0, 2)));
      const texts = await preparedTexts(tx);
      expect(texts.some((t) => t.includes(`$${PREPARED_MAX_PARAMETERS + 1})`))).toBe(false);
      expect(texts.some((t) => t.includes('in ($1, $2)'))).toBe(true);
    });
  });

  it('a statement carrying a large set as one parameter is planned for it every time, not prepared', async () => {
    // PostgreSQL may switch a prepared statement to a generic plan after five runs; a generic
    // plan assumes a set of ten, which made the next-due recompute over 25,000 persons run for
    // over 30 minutes from its sixth chunk on.
    const set = (n: number) => `{${Array.from({ length: n }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`).join(',')}}`;
    await db.handle.db.transaction(async (tx) => {
      for (let i = 0; i < 7; i++) await queryRows(tx, sql`select count(*) from inbound_events where id = any(${set(PREPARED_MAX_PARAMETERS + 1)}::uuid[])`);
      for (let i = 0; i < 2; i++) await queryRows(tx, sql`select count(*) from inbound_events where provider = any(${set(3)}::text[]) and id = any(${set(2)}::uuid[])`);
      await queryRows(tx, sql`select ${JSON.stringify({ owner: 'x'.repeat(200) })}::jsonb as body`);
      const texts = await preparedTexts(tx);
      expect(texts.some((t) => t.includes('where id = any($1::uuid[])'))).toBe(false);
      expect(texts.some((t) => t.includes('provider = any($1::text[])'))).toBe(true); // small sets stay prepared
      expect(texts.some((t) => t.includes('$1::jsonb as body'))).toBe(true); // a JSON object is no set
    });
  });
});

describe('connection settings', () => {
  it('JIT is off: a round chunk is costed high enough to be compiled, and compiling cost more than running it', async () => {
    expect(await queryRows<{ jit: string }>(db.handle.db, sql`show jit`)).toEqual([{ jit: 'off' }]);
  });
});
