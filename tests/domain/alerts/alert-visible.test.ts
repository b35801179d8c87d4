import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, personSharedCentres, persons, staffUsers } from '../../../db/schema';
import type { StaffActor } from '../../../src/admin/auth/types';
import { personScope } from '../../../src/domain/access';
import { alertVisibleQuery, alertVisibleTo } from '../../../src/domain/alerts/alert-notices';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { makeAlert, makePerson } from '../../admin/fixtures';
import { ensureCentre, makeStaff, staffActorOf } from '../../admin/support';

/**
 * The live queue's scope check, run for every alert notice and console (the red alert's way
 * to a nurse): the same rule as the lists (access.ts), and a probe of one person — not the
 * nurse's whole centre built as a set, which cost 2,675 blocks (0.2 s) an alert at a centre of
 * 105,000 persons in the topology bench.
 */
let deps: TestDeps;
const actors: Record<string, StaffActor> = {};
let alertId = '';
let sharedAlertId = '';


/** Shared blocks the statement touched (EXPLAIN ANALYZE, BUFFERS). */
async function blocksOf(query: { toSQL(): { sql: string; params: unknown[] } }): Promise<number> {
  const { sql: text, params } = query.toSQL();
  const [row] = await deps.dbHandle.pg!.unsafe(`explain (analyze, buffers, format json) ${text}`, params as never[]);
  const plan = (row!['QUERY PLAN'] as { Plan: Record<string, number> }[])[0]!.Plan;
  return plan['Shared Hit Blocks']! + plan['Shared Read Blocks']!;
}

beforeAll(async () => {
  deps = await createTestDeps();
  const a = await ensureCentre(deps, '13-351');
  await ensureCentre(deps, '13-352');
  await makeStaff(deps, { email: 'v-a@h.jp', role: 'nurse', jurisdictionCode: '13-351' });
  await makeStaff(deps, { email: 'v-b@h.jp', role: 'nurse', jurisdictionCode: '13-352' });
  await makeStaff(deps, { email: 'v-p@h.jp', role: 'prefecture_officer', jurisdictionCode: '13' });
  actors.a = await staffActorOf(deps, 'v-a@h.jp', '/JP/13/13-351/');
  actors.b = await staffActorOf(deps, 'v-b@h.jp', '/JP/13/13-352/');
  actors.p = await staffActorOf(deps, 'v-p@h.jp', '/JP/13/');
  alertId = await makeAlert(deps, await makePerson(deps, '13-351'));
  const shared = await makePerson(deps, '13-351');
  sharedAlertId = await makeAlert(deps, shared);
  const [b] = await deps.db.select({ jurisdictionId: staffUsers.jurisdictionId }).from(staffUsers).where(eq(staffUsers.email, 'v-b@h.jp'));
  await deps.db.insert(personSharedCentres).values({ personId: shared, jurisdictionId: b!.jurisdictionId! });
  // A centre of some size: its persons' set is what a set-built check reads.
  await deps.db.execute(sql`insert into ${persons} (case_number, name, classification, status, responsible_centre_id)
    select 'V-' || g, 'x', 'confirmed', 'home_recuperation', ${a} from generate_series(1, 5000) g`);
  await deps.db.execute(sql`analyze`);
}, 60_000);
afterAll(async () => deps.close());

describe('which consoles hear an alert', () => {
  it('the centre\'s nurses and its prefecture hear it; another centre only when the person is shared with it', async () => {
    expect(await alertVisibleTo(deps.db, actors.a!, alertId)).toBe(true);
    expect(await alertVisibleTo(deps.db, actors.p!, alertId)).toBe(true);
    expect(await alertVisibleTo(deps.db, actors.b!, alertId)).toBe(false);
    expect(await alertVisibleTo(deps.db, actors.b!, sharedAlertId)).toBe(true);
    expect(await alertVisibleTo(deps.db, actors.a!, '00000000-0000-4000-8000-000000000000')).toBe(false);
  });

  it('probes the one person, whatever the size of the centre', async () => {
    const probed = await blocksOf(alertVisibleQuery(deps.db, actors.a!, alertId));
    // The lists' form of the rule, for one alert: the centre's 5,000 persons read.
    const setBuilt = await blocksOf(deps.db.select({ id: alerts.id }).from(alerts).innerJoin(persons, eq(persons.id, alerts.personId)).where(sql`${alerts.id} = ${alertId} and ${personScope(actors.a!)}`));
    expect(probed).toBeLessThan(20);
    expect(setBuilt).toBeGreaterThan(probed * 3);
  });
});
