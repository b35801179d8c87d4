import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type DbOrTx } from '../../db/client';
import { createDueSessions } from '../../src/domain/rounds/create-due-sessions';
import { duePersonChunk } from '../../src/domain/rounds/next-due';
import { createTestDatabase, type TestDatabase } from '../support/pg';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  // Everyone ever followed up, the newest tenth still monitored (as in a centre after months).
  await t.handle.db.execute(sql`
    insert into jurisdictions (kind, parent_id, code, path, name_ja, name_en, phone)
    select 'health_centre', id, 'IX01', path || 'IX01/', 'IX01', 'IX01', '03' from jurisdictions where code = '13'`);
  await t.handle.db.execute(sql`
    insert into persons (case_number, name, classification, status, responsible_centre_id)
    select 'IX-' || g, 'x', 'confirmed', case when g > 1800 then 'home_recuperation' else 'monitoring_ended' end, (select id from jurisdictions where code = 'IX01')
    from generate_series(1, 2000) g`);
  await t.handle.db.execute(sql`
    insert into flow_assignments (person_id, flow_id, round_times)
    select p.id, f.id, '["09:00","15:00"]'::jsonb from persons p, flows f where f.key = 'patient-daily'`);
  await t.handle.db.execute(sql`analyze`);
});
afterAll(() => t.drop());

/** The plan PostgreSQL would run for the tick's due-rounds statement (EXPLAIN only: nothing is inserted). */
async function planOfDueRounds(tx: DbOrTx): Promise<string> {
  let plan = '';
  const explaining = {
    execute: async (query: SQL) => {
      const rows = await queryRows<{ 'QUERY PLAN': string }>(tx, sql`explain ${query}`);
      plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      return [];
    },
  };
  await createDueSessions(explaining as unknown as DbOrTx, { now: new Date('2026-03-10T00:30:00Z'), quiet: { start: '21:00', end: '08:00' }, resweepMs: 300_000 });
  return plan;
}

describe('persons due for a round', () => {
  it('are found through the partial index on the monitored statuses, not by reading every person', async () => {
    const plan = await t.handle.db.transaction(async (tx) => {
      // Tiny tables make a sequential scan cheap; forbid it to see which index the query can use.
      await tx.execute(sql`set local enable_seqscan = off`);
      return planOfDueRounds(tx);
    });
    expect(plan).toMatch(/persons_monitored_idx on persons p/);
    expect(plan).not.toMatch(/Seq Scan on persons/);
  });
});

describe('persons due at a tick', () => {
  it('are walked through person_due_next_idx in order, even when the statistics say everyone is due', async () => {
    // Right after a round every next due time moves; statistics lag behind. The walk's plan must not care.
    await t.handle.db.execute(sql`update person_due set next_due_at = '-infinity'`);
    await t.handle.db.execute(sql`analyze person_due`);
    let plan = '';
    const explaining = {
      execute: async (query: SQL) => {
        const rows = await queryRows<{ 'QUERY PLAN': string }>(t.handle.db, sql`explain ${query}`);
        plan = rows.map((r) => r['QUERY PLAN']).join('\n');
        return [];
      },
    };
    await duePersonChunk(explaining as unknown as DbOrTx, new Date('2026-03-10T00:30:00Z'), 25_000, { dueAt: '-infinity', id: '00000000-0000-0000-0000-000000000000' });
    expect(plan).toMatch(/Index (Only )?Scan using person_due_next_idx on person_due d/);
    expect(plan).not.toMatch(/Seq Scan on person_due/);
    expect(plan).not.toMatch(/Sort/);
  });
});
