import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { readOperationsSnapshot, todaysRoundsSql } from '../../src/domain/operations/read-operations';
import { createTestDatabase, type TestDatabase } from '../support/pg';

/**
 * The metrics scrape counts today's rounds (src/ops/scrape-metrics.ts) every 15 s: at national
 * scale the sessions table holds weeks of 1.5 M a day, so the count must be found by an index
 * bounded by today, never by reading every session ever held.
 */
let t: TestDatabase;
const NOW = new Date('2026-03-10T03:00:00Z'); // 12:00 in Tokyo
beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.handle.db;
  await db.execute(sql`
    insert into jurisdictions (kind, parent_id, code, path, name_ja, name_en, phone)
    select 'health_centre', id, 'OP01', path || 'OP01/', 'OP01', 'OP01', '03' from jurisdictions where code = '13'`);
  await db.execute(sql`
    insert into persons (case_number, name, classification, status, responsible_centre_id)
    select 'OP-' || g, 'x', 'confirmed', 'home_recuperation', (select id from jurisdictions where code = 'OP01') from generate_series(1, 200) g`);
  // Ten days of a 09:00 round (yesterday's answered); today's: 50 answered, 150 prompted.
  await db.execute(sql`
    insert into check_sessions (person_id, flow_version_id, local_date, round, channel, status, due_at, expires_at, prompted_at)
    select p.id, (select id from flow_versions limit 1), d::date, '09:00', 'line',
           case when d::date < '2026-03-10' or p.rn <= 50 then 'completed' else 'prompted' end,
           (d::date + time '09:00') at time zone 'Asia/Tokyo', (d::date + 1)::timestamp at time zone 'Asia/Tokyo', (d::date + time '09:00') at time zone 'Asia/Tokyo'
    from (select id, row_number() over (order by id) as rn from persons where case_number like 'OP-%') p
    cross join generate_series(date '2026-03-01', date '2026-03-10', interval '1 day') d`);
  await db.execute(sql`analyze`);
});
afterAll(() => t.drop());

describe("today's rounds on the metrics scrape", () => {
  it('count only today (Japan)', async () => {
    const snapshot = await readOperationsSnapshot(t.handle.db, NOW);
    expect(snapshot.rounds).toEqual([{ round: '09:00', due: 200, sent: 200, answered: 50, nonResponders: 0 }]);
  });

  it('are read through an index bounded by today, not a scan of every session held', async () => {
    const plan = await t.handle.db.transaction(async (tx) => {
      // Small tables make a sequential scan cheap; forbid it to see whether an index can serve the query.
      await tx.execute(sql`set local enable_seqscan = off`);
      return (await queryRows<{ 'QUERY PLAN': string }>(tx, sql`explain ${todaysRoundsSql(NOW)}`)).map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/check_sessions_status_due_idx/);
    expect(plan).not.toMatch(/Seq Scan on check_sessions/);
  });
});
