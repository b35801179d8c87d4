import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_ROLES, type StaffRole } from '../../db/schema';
import { withTransaction, type Actor } from '../../src/domain/context';
import { PERMISSIONS, RoleForbiddenError, type Verb } from '../../src/domain/permissions';
import { createTestDeps, type TestDeps } from '../support/deps';

/**
 * Issue 19 (4): the role × verb matrix. Every verb of src/domain/permissions.ts is called
 * as a staff user of every role (with an empty input: the role is checked before anything
 * else). A role the table does not list is refused with RoleForbiddenError; a listed role
 * gets past the role check (whatever the empty input then causes). And every verb the
 * domain exports is in the table, so a new verb cannot be added without deciding who may
 * perform it.
 */
let deps: TestDeps;
const verbs = new Map<string, (args: Record<string, unknown>) => Promise<unknown>>();

function domainFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? domainFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}
const VERB_RE = /export async function (\w+)\(\{ ctx\b/g;

beforeAll(async () => {
  deps = await createTestDeps();
  for (const file of domainFiles('src/domain')) {
    const names = [...readFileSync(file, 'utf8').matchAll(VERB_RE)].map((m) => m[1]!);
    if (!names.length) continue;
    const mod = (await import(`../../${file}`)) as Record<string, unknown>;
    for (const name of names) verbs.set(name, mod[name] as (args: Record<string, unknown>) => Promise<unknown>);
  }
});
afterAll(async () => {
  await deps?.close();
});

const actorOf = (role: StaffRole): Actor => ({ kind: 'staff', staffId: '00000000-0000-4000-8000-000000000000', role, jurisdictionId: null, jurisdictionPath: null, institutionId: null, via: 'session' });

class Rollback extends Error {}

/** Call a verb as `role` in a transaction that is always rolled back; the error it threw, if any. */
async function callAs(verb: Verb, role: StaffRole): Promise<unknown> {
  const fn = verbs.get(verb)!;
  try {
    await withTransaction(deps.db, { actor: actorOf(role), now: new Date() }, async (ctx) => {
      await fn({ ctx, input: {}, env: deps.env, keys: { secret: 'x'.repeat(32), baseUrl: 'http://localhost' } });
      throw new Rollback();
    });
  } catch (err) {
    return err instanceof Rollback ? null : err;
  }
  return null;
}

describe('the permissions table covers every domain verb', () => {
  it('every exported verb of src/domain is in the table, and every table entry is a verb', () => {
    expect([...verbs.keys()].sort()).toEqual(Object.keys(PERMISSIONS).sort());
  });
});

describe('role × verb matrix', () => {
  for (const verb of Object.keys(PERMISSIONS) as Verb[]) {
    it(`${verb}: ${PERMISSIONS[verb].join(', ') || '(no staff role)'}`, async () => {
      for (const role of STAFF_ROLES) {
        const err = await callAs(verb, role);
        const allowed = (PERMISSIONS[verb] as readonly StaffRole[]).includes(role);
        if (allowed) expect(err instanceof RoleForbiddenError, `${verb} as ${role} should pass the role check`).toBe(false);
        else expect(err instanceof RoleForbiddenError && err.status === 403, `${verb} as ${role} should be refused`).toBe(true);
      }
    });
  }
});

describe('what a clinician may not do (the security review’s list)', () => {
  it('resolve an alert, set a person deceased, add notes, issue link codes, send checks', () => {
    for (const verb of ['resolveAlert', 'changePersonStatus', 'addPersonNote', 'noteAlert', 'issueLinkCode', 'sendCheckNow', 'transferPerson'] as Verb[]) {
      expect(PERMISSIONS[verb] as readonly string[], verb).not.toContain('clinician');
    }
  });
});
