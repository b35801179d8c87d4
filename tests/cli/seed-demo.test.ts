import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { DEMO_PERSONS, DEMO_STAFF } from '../../db/seed/demo-data';
import { seedDemoCommand } from '../../src/cli/seed-demo';
import { createTestDeps, type TestDeps } from '../support/deps';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps({}, { now: () => new Date('2026-11-24T03:00:00Z') });
});
afterAll(() => deps.close());

async function counts() {
  const [row] = await queryRows<Record<string, number>>(
    deps.db,
    sql`select
      (select count(*)::int from jurisdictions) as jurisdictions,
      (select count(*)::int from jurisdictions where kind = 'prefecture') as prefectures,
      (select count(*)::int from staff_users) as staff,
      (select count(*)::int from persons) as persons,
      (select count(*)::int from check_sessions) as sessions,
      (select count(*)::int from observations) as observations,
      (select count(*)::int from flows) as flows,
      (select count(distinct role)::int from staff_users) as roles`,
  );
  return row!;
}

describe('seed-demo', () => {
  it('creates centres in two prefectures, one staff user per role, persons with a few days of answers', async () => {
    const lines: string[] = [];
    await seedDemoCommand.run({ positional: [], flags: {} }, deps, (l) => lines.push(l));
    const c = await counts();
    expect(c.prefectures).toBe(47);
    expect(c.staff).toBe(DEMO_STAFF.length);
    expect(c.roles).toBe(5);
    expect(c.persons).toBe(DEMO_PERSONS.length);
    expect(c.flows).toBe(4); // the national defaults: patient, contact, child and facility
    expect(c.sessions).toBe(DEMO_PERSONS.reduce((n, p) => n + p.temperatures.length, 0));
    expect(c.observations).toBeGreaterThan(c.sessions! * 3);
    const temps = await queryRows<{ v: number }>(deps.db, sql`select value_number as v from observations o join persons p on p.id = o.person_id where p.case_number = 'D-0004' and o.question_id = 'temperature' order by o.observed_at`);
    expect(temps.map((t) => t.v)).toEqual([37.0, 37.4, 38.2]);
    expect(lines.join('\n')).toMatch(/created/);
  }, 60_000);

  it('changes nothing when run again', async () => {
    const before = await counts();
    await seedDemoCommand.run({ positional: [], flags: {} }, deps, () => {});
    expect(await counts()).toEqual(before);
  }, 60_000);
});

describe('seed-demo in production (issue 19.8)', () => {
  it('is refused with NODE_ENV=production, creating nothing; --allow-production seeds with a warning', async () => {
    const prod = await createTestDeps({ NODE_ENV: 'production', APP_SECRET: 'p'.repeat(40) });
    try {
      const lines: string[] = [];
      await expect(seedDemoCommand.run({ positional: [], flags: {} }, prod, (l) => lines.push(l))).rejects.toThrow(/refused: NODE_ENV=production/);
      const [row] = await queryRows<{ n: number }>(prod.db, sql`select count(*)::int as n from staff_users`);
      expect(row!.n).toBe(0);
      await seedDemoCommand.run({ positional: [], flags: { 'allow-production': true } }, prod, (l) => lines.push(l));
      expect(lines[0]).toMatch(/^WARNING: seeding demo data into a production installation/);
      const [after] = await queryRows<{ n: number }>(prod.db, sql`select count(*)::int as n from staff_users`);
      expect(after!.n).toBe(DEMO_STAFF.length);
    } finally {
      await prod.close();
    }
  }, 120_000);
});
