import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffUsers } from '../../db/schema';
import { verifyPassword } from '../../src/platform/security/passwords';
import { REDIS_URL } from '../support/deps';
import { createCentre } from '../support/fixtures';
import { createTestDatabase, type TestDatabase } from '../support/pg';
import { spawnEntry } from '../support/server-process';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await createCentre(db.handle.db, { code: 'CS01' });
});
afterAll(() => db.drop());

const nurseArgs = (email: string) => ['create-staff', '--email', email, '--name', '看護 花子', '--role', 'nurse', '--jurisdiction', 'CS01'];
const cli = (args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}) =>
  spawnEntry('src/cli.ts', { DATABASE_URL: db.url, REDIS_URL, ...opts.env }, args, { stdin: opts.stdin });
const staffWith = async (email: string) => (await db.handle.db.select().from(staffUsers).where(eq(staffUsers.email, email)))[0];

// Each test runs its own CLI process on its own e-mail address: they run at once.
describe.concurrent('npm run cli -- create-staff', () => {
  it('creates a staff user with the password piped on stdin (the trailing newline is not part of it)', async () => {
    const run = cli(nurseArgs('piped@cli.test'), { stdin: 'a piped pass phrase\n' });
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).toMatch(/created staff user [0-9a-f-]{36}/);
    const row = await staffWith('piped@cli.test');
    expect(row).toMatchObject({ role: 'nurse', displayName: '看護 花子' });
    expect(await verifyPassword(row!.passwordHash, 'a piped pass phrase')).toBe(true);
  }, 60_000);

  it('takes the password from STAFF_PASSWORD for scripts, and never prints it', async () => {
    const run = cli(nurseArgs('env@cli.test'), { env: { STAFF_PASSWORD: ' spaces kept, too ' } });
    expect(await run.exited, run.output()).toBe(0);
    expect(await verifyPassword((await staffWith('env@cli.test'))!.passwordHash, ' spaces kept, too ')).toBe(true);
    expect(run.output()).not.toContain('spaces kept');
  }, 60_000);

  it('refuses the password as a command-line flag, and says how to give it instead', async () => {
    const run = cli([...nurseArgs('flag@cli.test'), '--password', 'a flag pass phrase'], { stdin: 'a piped pass phrase\n' });
    expect(await run.exited).toBe(64);
    expect(run.output()).toMatch(/--password is not accepted .*prompt.*stdin.*STAFF_PASSWORD/);
    expect(await staffWith('flag@cli.test')).toBeUndefined();
  }, 60_000);

  it('says clearly when no password was given, or when it is refused', async () => {
    const none = cli(nurseArgs('none@cli.test'));
    expect(await none.exited).toBe(64);
    expect(none.output()).toMatch(/no password given: type it at the prompt \(not echoed\), pipe it on stdin, or set STAFF_PASSWORD/);

    const weak = cli(nurseArgs('weak@cli.test'), { stdin: 'password1234' });
    expect(await weak.exited).toBe(1);
    expect(weak.output()).toMatch(/invalid input:\n\s+password: is too common/);
    expect(weak.output()).not.toContain('password1234');
    expect(await staffWith('none@cli.test')).toBeUndefined();
    expect(await staffWith('weak@cli.test')).toBeUndefined();
  }, 60_000);
});
