import { and, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, persons, staffUsers } from '../../db/schema';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { dbRejection } from '../support/db-errors';
import { makePerson } from '../admin/fixtures';
import { bearer, ensureCentre, fromSocket, makeStaff, makeToken } from '../admin/support';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let call: ReturnType<typeof bearer>;
let nurseId: string;
let personId: string;
const clock = new Date('2026-06-02T01:00:00Z');
// The client 203.0.113.7 behind the load balancer 10.0.0.1 (TRUSTED_PROXIES); the left-most hop is the client's invention.
const FROM = { 'x-forwarded-for': '198.51.100.66, 203.0.113.7', 'user-agent': 'SecurityTest/1.0' };

beforeAll(async () => {
  deps = await createTestDeps({ TRUSTED_PROXIES: '10.0.0.1' }, { now: () => clock });
  app = createApp(deps);
  await ensureCentre(deps, '13-961');
  nurseId = await makeStaff(deps, { email: 'audit-nurse@a.jp', role: 'nurse', jurisdictionCode: '13-961' });
  personId = await makePerson(deps, '13-961', { name: '監査 太郎', phone: '090-5555-0101' });
  const token = await makeToken(deps, 'audit-nurse@a.jp');
  call = (method, path, body) =>
    app.request(path, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...FROM } }, fromSocket('10.0.0.1'));
});
afterAll(async () => {
  await deps?.close();
});

const lastRow = async (action: string) => {
  const [row] = await deps.db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.actorId, nurseId))).orderBy(desc(auditLog.id)).limit(1);
  return row;
};

describe('audit of a person record: who, what, when, from where', () => {
  it('a read, a change and an export each leave a row with the staff id, the client address and the time', async () => {
    expect((await call('GET', `/api/v1/persons/${personId}`)).status).toBe(200);
    const read = await lastRow('read');
    expect(read).toMatchObject({ actorKind: expect.stringMatching(/staff|token/), actorId: nurseId, entity: 'person', personId, ip: '203.0.113.7', userAgent: 'SecurityTest/1.0' });
    expect(read!.createdAt.getTime()).toBe(clock.getTime());

    expect((await call('PATCH', `/api/v1/persons/${personId}`, { nameKana: 'カンサ タロウ' })).status).toBe(200);
    const change = await lastRow('update');
    expect(change).toMatchObject({ actorId: nurseId, personId, ip: '203.0.113.7' });
    // The audit row says what changed, not the new personal data itself.
    expect(JSON.stringify(change!.details ?? {})).not.toContain('カンサ');

    const csv = await call('GET', '/api/v1/export/persons.csv');
    expect(csv.status).toBe(200);
    await csv.text();
    const exp = await lastRow('export');
    expect(exp).toMatchObject({ actorId: nurseId, ip: '203.0.113.7' });
    expect(JSON.stringify(exp)).not.toContain('監査 太郎');
    expect(JSON.stringify(exp)).not.toContain('090-5555-0101');
  });
});

describe('the audit log is append-only, by trigger for every role (audit-role.test.ts: and by grants for the app role)', () => {
  it('belongs to mimamori_audit_owner, not to the role that ran the migrations', async () => {
    const [row] = await deps.db.execute<{ owner: string; me: string }>(sql`select tableowner as owner, current_user as me from pg_tables where tablename = 'audit_log'`).then((r) => [...(r as unknown as Iterable<{ owner: string; me: string }>)]);
    expect(row!.owner).toBe('mimamori_audit_owner');
    expect(row!.me).not.toBe(row!.owner);
  });

  it('refuses UPDATE, DELETE and TRUNCATE through the app connection, inside and outside a transaction', async () => {
    const before = await deps.db.select({ n: sql<number>`count(*)::int` }).from(auditLog);
    expect(before[0]!.n).toBeGreaterThan(0);
    expect(await dbRejection(deps.db.update(auditLog).set({ action: 'forged' }))).toMatch(/append-only \(UPDATE/);
    expect(await dbRejection(deps.db.delete(auditLog).where(eq(auditLog.actorId, nurseId)))).toMatch(/append-only \(DELETE/);
    expect(await dbRejection(deps.db.execute(sql`truncate audit_log`))).toMatch(/append-only \(TRUNCATE/);
    expect(await dbRejection(deps.db.transaction(async (tx) => tx.execute(sql`truncate audit_log`)))).toMatch(/append-only/);
    const after = await deps.db.select({ n: sql<number>`count(*)::int` }).from(auditLog);
    expect(after[0]!.n).toBe(before[0]!.n);
    expect(await deps.db.select().from(auditLog).where(eq(auditLog.action, 'forged'))).toHaveLength(0);
  });

  it('a refused audit write rolls the whole change back (nothing half-saved)', async () => {
    const [p] = await deps.db.select({ kana: persons.nameKana }).from(persons).where(eq(persons.id, personId));
    await dbRejection(
      deps.db.transaction(async (tx) => {
        await tx.update(persons).set({ nameKana: 'ロールバック' }).where(eq(persons.id, personId));
        await tx.execute(sql`delete from audit_log`);
      }),
    );
    const [q] = await deps.db.select({ kana: persons.nameKana }).from(persons).where(eq(persons.id, personId));
    expect(q!.kana).toBe(p!.kana);
    expect(await deps.db.select().from(staffUsers).where(eq(staffUsers.id, nurseId))).toHaveLength(1);
  });
});
