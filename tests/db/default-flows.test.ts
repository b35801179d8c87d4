import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { ensureDefaultFlows } from '../../src/domain/flows/ensure-default-flows';
import { dbRejection } from '../support/db-errors';
import { createTestDatabase, type TestDatabase } from '../support/pg';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase(); // a copy of the template: the default flows are there
});
afterAll(() => t.drop());

/** Each default flow with its number of versions. */
const defaults = async () =>
  queryRows<{ key: string; versions: number }>(
    t.handle.db,
    sql`select f.key, count(v.id)::int as versions from flows f left join flow_versions v on v.flow_id = f.id where f.key in ('patient-daily', 'contact-daily') group by f.key order by f.key`,
  );

describe('ensureDefaultFlows', () => {
  it('gives a flow left without a version (an older start crashed half-way) its version 1', async () => {
    await t.handle.db.execute(sql`delete from flow_versions where flow_id = (select id from flows where key = 'patient-daily')`);
    expect(await defaults()).toEqual([{ key: 'contact-daily', versions: 1 }, { key: 'patient-daily', versions: 0 }]);
    await ensureDefaultFlows(t.handle.db);
    expect(await defaults()).toEqual([{ key: 'contact-daily', versions: 1 }, { key: 'patient-daily', versions: 1 }]);
  });

  it('never leaves a flow without a version when writing the version fails', async () => {
    const db = t.handle.db;
    await db.execute(sql`delete from flow_versions where flow_id = (select id from flows where key = 'contact-daily')`);
    await db.execute(sql`delete from flows where key = 'contact-daily'`);
    // The crash: the version insert fails after the flow row was written.
    await db.execute(sql.raw(`create function test_refuse_version() returns trigger as $$ begin raise exception 'simulated crash'; end; $$ language plpgsql`));
    await db.execute(sql.raw(`create trigger test_refuse_version before insert on flow_versions for each row execute function test_refuse_version()`));
    try {
      expect(await dbRejection(ensureDefaultFlows(db))).toMatch(/simulated crash/);
      expect(await defaults()).toEqual([{ key: 'patient-daily', versions: 1 }]); // no contact-daily flow without a version
    } finally {
      await db.execute(sql.raw(`drop trigger test_refuse_version on flow_versions`));
    }
    await ensureDefaultFlows(db);
    expect(await defaults()).toEqual([{ key: 'contact-daily', versions: 1 }, { key: 'patient-daily', versions: 1 }]);
  });

  it('creates each default once when several processes run it at once', async () => {
    await t.handle.db.execute(sql`delete from flow_versions`);
    await t.handle.db.execute(sql`delete from flows`);
    await Promise.all([ensureDefaultFlows(t.handle.db), ensureDefaultFlows(t.handle.db), ensureDefaultFlows(t.handle.db)]);
    expect(await defaults()).toEqual([{ key: 'contact-daily', versions: 1 }, { key: 'patient-daily', versions: 1 }]);
  });
});
