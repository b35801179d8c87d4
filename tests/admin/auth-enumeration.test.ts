import argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app';
import { systemActor, withTransaction } from '../../src/domain/context';
import { setStaffDisabled } from '../../src/domain/staff/set-staff-disabled';
import { signIn } from '../../src/domain/staff/sign-in';
import { createTestDeps, type TestDeps } from '../support/deps';
import { Client, ensureCentre, fromSocket, makeStaff, PASSWORD } from './support';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let clock = new Date('2026-05-01T00:00:00Z');
let client = 0;
let goneId: string;

beforeAll(async () => {
  deps = await createTestDeps({}, { now: () => clock });
  app = createApp(deps);
  await ensureCentre(deps, '13-905');
  for (const email of ['known@a.jp', 'known2@a.jp']) await makeStaff(deps, { email, role: 'nurse', jurisdictionCode: '13-905' });
  goneId = await makeStaff(deps, { email: 'gone@a.jp', role: 'nurse', jurisdictionCode: '13-905' });
  await makeStaff(deps, { email: 'admin@a.jp', role: 'centre_admin', jurisdictionCode: '13-905' });
});
afterAll(async () => {
  await deps?.close();
});

/**
 * One sign-in from a fresh address (the per-address throttle is another test's subject),
 * or from `from`: the lock-out counts per (account, address), so a series from one address.
 */
async function attempt(email: string, password: string, from?: string): Promise<{ status: number; page: string }> {
  client += 1;
  const res = await new Client(app, fromSocket(from ?? `192.0.2.${client}`)).signIn(email, password);
  const page = (await res.text()).replaceAll(email, '<email>').replace(/(name="_csrf" value=")[^"]+/g, '$1<csrf>').replace(/(name="csrf-token" content=")[^"]+/g, '$1<csrf>');
  return { status: res.status, page };
}

const verifyCalls = async (fn: () => Promise<unknown>) => {
  const spy = vi.spyOn(argon2, 'verify');
  try {
    await fn();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
};

describe('sign-in does not tell which accounts exist', () => {
  it('an unknown e-mail, a disabled account and a wrong password each cost one argon2 verification', async () => {
    await withTransaction(deps.db, { actor: systemActor('test'), now: clock }, (ctx) => setStaffDisabled({ ctx, input: { staffId: goneId, disabled: true } }));
    const run = (email: string) => withTransaction(deps.db, { actor: systemActor('sign-in'), now: clock }, (ctx) => signIn({ ctx, input: { email, password: 'not the password at all' }, env: deps.env }));
    expect(await verifyCalls(() => run('nobody-here@a.jp'))).toBe(1);
    expect(await verifyCalls(() => run('gone@a.jp'))).toBe(1);
    expect(await verifyCalls(() => run('known2@a.jp'))).toBe(1);
  });

  it('an unknown e-mail locks after the same number of tries, with the same answers, and unlocks at the same time', async () => {
    const known: { status: number; page: string }[] = [];
    const unknown: { status: number; page: string }[] = [];
    for (let i = 0; i < 6; i++) {
      known.push(await attempt('known@a.jp', 'not the password', '198.51.100.10'));
      unknown.push(await attempt('nobody@a.jp', 'not the password', '198.51.100.11'));
    }
    expect(known.map((r) => r.status)).toEqual([401, 401, 401, 401, 423, 423]);
    expect(unknown.map((r) => r.status)).toEqual(known.map((r) => r.status));
    expect(unknown.map((r) => r.page)).toEqual(known.map((r) => r.page));
    expect(unknown[5]!.page).toContain('ロック');

    clock = new Date(clock.getTime() + 16 * 60_000);
    const [k, u] = [await attempt('known@a.jp', 'not the password', '198.51.100.10'), await attempt('nobody@a.jp', 'not the password', '198.51.100.11')];
    expect([k.status, u.status]).toEqual([401, 401]);
    expect(u.page).toEqual(k.page);
  });

  it('stores a hash of an unknown e-mail, never the address itself', async () => {
    const rows = await deps.testDb.handle.pg!.unsafe(`select * from sign_in_failures`);
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain('nobody');
    const audit = await deps.testDb.handle.pg!.unsafe(`select details::text from audit_log where action in ('login_failed','lock')`);
    expect(JSON.stringify(audit)).not.toContain('nobody');
  });

  it('a correct password still signs in after failures below the limit', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt('admin@a.jp', 'not the password')).status).toBe(401);
    expect((await attempt('admin@a.jp', PASSWORD)).status).toBe(303);
  });
});
