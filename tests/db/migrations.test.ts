import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrateDb, queryRows, type DbHandle } from '../../db/client';
import { ensureReferenceData } from '../../db/seed/reference-data';
import { dbRejection } from '../support/db-errors';
import { ADMIN_URL, dbUrl } from '../support/pg';
import { sql } from 'drizzle-orm';

/** Tables, columns and indexes as the catalog sees them: the same on both engines. */
async function describeSchema(handle: DbHandle) {
  const columns = await queryRows<{ t: string; c: string; type: string }>(
    handle.db,
    sql`select table_name as t, column_name as c, data_type as type from information_schema.columns where table_schema = 'public' order by 1, 2`,
  );
  const indexes = await queryRows<{ name: string }>(handle.db, sql`select indexname as name from pg_indexes where schemaname = 'public' order by 1`);
  const triggers = await queryRows<{ name: string }>(handle.db, sql`select distinct trigger_name as name from information_schema.triggers order by 1`);
  return { columns, indexes: indexes.map((i) => i.name), triggers: triggers.map((t) => t.name) };
}

const name = `mimamori_mig_${randomBytes(4).toString('hex')}`;
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
const opened: DbHandle[] = [];

let lite: DbHandle;
let pg: DbHandle;

// Migrating PGlite (WASM) takes seconds on an idle machine, much longer on a loaded one.
beforeAll(async () => {
  lite = await createDb({ dataDir: 'memory://' });
  opened.push(lite);
  await migrateDb(lite);
  await admin.unsafe(`create database ${name}`);
  pg = await createDb({ url: dbUrl(name), max: 1 });
  opened.push(pg);
  await migrateDb(pg);
}, 180_000);

afterAll(async () => {
  for (const h of opened) await h.close();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
});

describe('migrations', () => {
  it('run unchanged on PGlite and on PostgreSQL 15 and give the same schema', async () => {
    const [a, b] = [await describeSchema(lite), await describeSchema(pg)];
    expect(a.columns.length).toBeGreaterThan(150);
    expect(a.columns).toEqual(b.columns);
    expect(a.indexes).toEqual(b.indexes);
    expect(a.triggers).toEqual(b.triggers);
    expect(b.triggers).toEqual(expect.arrayContaining(['audit_log_no_update_delete', 'flow_versions_immutable']));
  });

  it('apply twice without change, and reference data is idempotent (nation + 47 prefectures)', async () => {
    await migrateDb(pg);
    await ensureReferenceData(pg.db);
    await ensureReferenceData(pg.db);
    const [counts] = await queryRows<{ nation: number; prefectures: number }>(
      pg.db,
      sql`select count(*) filter (where kind = 'nation')::int as nation, count(*) filter (where kind = 'prefecture')::int as prefectures from jurisdictions`,
    );
    expect(counts).toEqual({ nation: 1, prefectures: 47 });
    const [tokyo] = await queryRows<{ code: string; path: string; name_ja: string }>(pg.db, sql`select code, path, name_ja from jurisdictions where code = '13'`);
    expect(tokyo).toEqual({ code: '13', path: '/JP/13/', name_ja: '東京都' });
  });

  it('run by several processes at once on a fresh database: one migrates, the others wait and find nothing to do', async () => {
    const fresh = `${name}_race`;
    await admin.unsafe(`create database ${fresh}`);
    try {
      const processes = await Promise.all([1, 2, 3].map(() => createDb({ url: dbUrl(fresh), max: 1 })));
      opened.push(...processes);
      await Promise.all(processes.map((h) => migrateDb(h)));
      const [applied] = await queryRows<{ n: number; distinct: number }>(processes[0]!.db, sql`select count(*)::int as n, count(distinct hash)::int as distinct from drizzle.__drizzle_migrations`);
      const [reference] = await queryRows<{ n: number }>(pg.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      expect(applied).toEqual({ n: reference!.n, distinct: reference!.n });
      expect(await describeSchema(processes[0]!)).toEqual(await describeSchema(pg));
    } finally {
      await admin.unsafe(`drop database if exists ${fresh} with (force)`);
    }
  }, 120_000);

  it('keeps the audit log append-only for every role', async () => {
    await pg.db.execute(sql`insert into audit_log (actor_kind, action, entity) values ('system', 'test', 'nothing')`);
    expect(await dbRejection(pg.db.execute(sql`update audit_log set action = 'changed'`))).toMatch(/append-only/);
    expect(await dbRejection(pg.db.execute(sql`delete from audit_log`))).toMatch(/append-only/);
  });

  it('hand audit_log to mimamori_audit_owner when run by a CREATEROLE owner (not a superuser), which keeps no membership', async () => {
    const owner = `mm_owner_${randomBytes(3).toString('hex')}`;
    const db = `${name}_own`;
    await admin.unsafe(`create role ${owner} login createrole`);
    await admin.unsafe(`create database ${db} owner ${owner}`);
    const h = await createDb({ url: dbUrl(db).replace('://postgres@', `://${owner}@`), max: 1 });
    try {
      await migrateDb(h);
      const [facts] = await queryRows<{ owner: string; member: boolean; may_insert: boolean; may_delete: boolean }>(
        h.db,
        sql`select tableowner as owner, pg_has_role(current_user, 'mimamori_audit_owner', 'MEMBER') as member,
              has_table_privilege('audit_log', 'INSERT') as may_insert, has_table_privilege('audit_log', 'DELETE') as may_delete
            from pg_tables where tablename = 'audit_log'`,
      );
      expect(facts).toEqual({ owner: 'mimamori_audit_owner', member: false, may_insert: true, may_delete: false });
      await h.db.execute(sql`insert into audit_log (actor_kind, action, entity) values ('system', 'test', 'nothing')`);
    } finally {
      await h.close();
      await admin.unsafe(`drop database if exists ${db} with (force)`);
      await admin.unsafe(`drop owned by ${owner} cascade`).catch(() => undefined);
      await admin.unsafe(`drop role if exists ${owner}`);
    }
  });

  it('still run for an owner that may not create roles (the triggers alone then guard the log)', async () => {
    const owner = `mm_plain_${randomBytes(3).toString('hex')}`;
    const db = `${name}_plain`;
    await admin.unsafe(`create role ${owner} login`);
    await admin.unsafe(`create database ${db} owner ${owner}`);
    const h = await createDb({ url: dbUrl(db).replace('://postgres@', `://${owner}@`), max: 1 });
    try {
      await migrateDb(h);
      const [row] = await queryRows<{ owner: string }>(h.db, sql`select tableowner as owner from pg_tables where tablename = 'audit_log'`);
      expect(row!.owner).toBe(owner);
      await h.db.execute(sql`insert into audit_log (actor_kind, action, entity) values ('system', 'test', 'nothing')`);
      expect(await dbRejection(h.db.execute(sql`delete from audit_log`))).toMatch(/append-only/);
    } finally {
      await h.close();
      await admin.unsafe(`drop database if exists ${db} with (force)`);
      await admin.unsafe(`drop role if exists ${owner}`);
    }
  });
});
