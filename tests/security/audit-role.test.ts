import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema';
import { createDb, migrateDb, type DbHandle } from '../../db/client';
import { createApp } from '../../src/app';
import { auditLogRoleProblems } from '../../src/domain/audit-log/audit-log-role';
import { createTestDeps, type TestDeps } from '../support/deps';
import { dbRejection } from '../support/db-errors';
import { ADMIN_URL, PG_BASE } from '../support/pg';
import { bearer, Client, ensureCentre, makeStaff, makeToken } from '../admin/support';

/**
 * The application's database role, as README "Deployment: database roles" sets it up: a
 * login role that is a member of mimamori_app (created by the migrations), connecting to a
 * database the superuser migrated. It may append to and read the audit log, nothing more.
 */
let deps: TestDeps;
let app: DbHandle;
const role = `mm_app_${randomBytes(4).toString('hex')}`;
const emptyDb = `mm_empty_${randomBytes(4).toString('hex')}`;
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
const asApp = (database: string) => `${PG_BASE.replace('://postgres@', `://${role}@`)}/${database}`;

beforeAll(async () => {
  deps = await createTestDeps();
  await ensureCentre(deps, '13-962');
  await makeStaff(deps, { email: 'role-nurse@a.jp', role: 'nurse', jurisdictionCode: '13-962' });
  await deps.db.execute(sql`insert into audit_log (actor_kind, action, entity) values ('system', 'seed', 'nothing')`);
  await admin.unsafe(`create role ${role} login in role mimamori_app`);
  app = await createDb({ url: asApp(deps.testDb.name), max: 2 });
});
afterAll(async () => {
  await app?.close();
  await deps?.close();
  await admin.unsafe(`drop database if exists ${emptyDb} with (force)`);
  await admin.unsafe(`drop role if exists ${role}`);
  await admin.end();
});

const count = async () => (await deps.db.select({ n: sql<number>`count(*)::int` }).from(auditLog))[0]!.n;

describe("the app's database role and the audit log", () => {
  it('may append and read, but not UPDATE, DELETE, TRUNCATE, ALTER, DISABLE TRIGGER, DROP, or take the owner role', async () => {
    await app.db.execute(sql`insert into audit_log (actor_kind, action, entity) values ('system', 'appended', 'nothing')`);
    expect((await app.db.select().from(auditLog).where(eq(auditLog.action, 'appended'))).length).toBe(1);
    const before = await count();
    const refused: [string, RegExp][] = [
      ['update audit_log set action = $$forged$$', /permission denied for table audit_log/],
      ['delete from audit_log', /permission denied for table audit_log/],
      ['truncate audit_log', /permission denied for table audit_log/],
      ['alter table audit_log disable trigger audit_log_no_update_delete', /must be owner of table audit_log/],
      ['alter table audit_log disable trigger all', /must be owner of table audit_log/],
      ['drop trigger audit_log_no_update_delete on audit_log', /must be owner of (table|relation) audit_log/],
      ['alter table audit_log add column forged text', /must be owner of table audit_log/],
      ['alter table audit_log owner to current_user', /must be owner of table audit_log/],
      ['drop table audit_log', /must be owner of table audit_log/],
      ['set role mimamori_audit_owner', /permission denied to set role/],
      [`grant mimamori_audit_owner to ${role}`, /permission denied|must have admin option/],
      ['create or replace function audit_log_append_only() returns trigger as $f$ begin return old; end $f$ language plpgsql', /must be owner of function|permission denied for schema public/],
    ];
    for (const [statement, error] of refused) expect(await dbRejection(app.db.execute(sql.raw(statement))), statement).toMatch(error);
    expect(await count()).toBe(before);
  });

  it('runs the application: the migrations are recognised as applied, and sign-in, a registration and a read are audited', async () => {
    await migrateDb(app); // nothing pending: no DDL attempted
    const appDeps = { ...deps, db: app.db, dbHandle: app };
    const http = createApp(appDeps);
    const signedIn = await new Client(http).signIn('role-nurse@a.jp');
    expect(signedIn.status).toBe(303);
    const call = bearer(http, await makeToken(deps, 'role-nurse@a.jp'));
    const created = await call('POST', '/api/v1/persons', { caseNumber: 'R-001', name: '権限 太郎', nameKana: 'ケンゲン タロウ', dateOfBirth: '1950-01-02', sex: 'male', phone: '090-3333-4444', classification: 'confirmed' });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    expect((await call('GET', `/api/v1/persons/${id}`)).status).toBe(200);
    const actions = (await deps.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.personId, id))).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['create', 'read']));
  });

  it('is told clearly to run the migrations as the owner when some are pending', async () => {
    await admin.unsafe(`create database ${emptyDb}`);
    const fresh = await createDb({ url: asApp(emptyDb), max: 1 });
    try {
      await expect(migrateDb(fresh)).rejects.toThrow(/migrations are pending.*npm run cli -- migrate.*owner/);
    } finally {
      await fresh.close();
    }
  });

  it('the start-up check finds nothing wrong with this role, and warns about a superuser connection', async () => {
    expect(await auditLogRoleProblems(app)).toEqual([]);
    expect((await auditLogRoleProblems(deps.dbHandle)).join('\n')).toMatch(/superuser/);
  });
});
