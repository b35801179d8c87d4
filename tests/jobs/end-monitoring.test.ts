import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client';
import { systemActor, withTransaction, type Actor } from '../../src/domain/context';
import { NotFoundError, ValidationError } from '../../src/domain/errors';
import { endMonitoring } from '../../src/domain/rounds/end-monitoring';
import { extendMonitoring } from '../../src/domain/rounds/extend-monitoring';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';

interface PersonState {
  status: string;
  planned_end: string | null;
  actual_end: string | null;
  end_reason: string | null;
}

describe('end of monitoring', () => {
  let deps: TestDeps;
  let centre: string;
  let otherCentre: string;
  let nurse: Actor;
  let otherNurse: Actor;
  beforeAll(async () => {
    deps = await createTestDeps();
    centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    otherCentre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    const staff = async (jurisdictionId: string): Promise<Actor> => {
      const [row] = await queryRows<{ id: string }>(
        deps.db,
        sql`insert into staff_users (email, display_name, password_hash, role, jurisdiction_id)
            values (${`n${Math.random()}@example.jp`}, '看護師', 'x', 'nurse', ${jurisdictionId}) returning id`,
      );
      return { kind: 'staff', staffId: row!.id, role: 'nurse', jurisdictionId, jurisdictionPath: null, institutionId: null, via: 'session' };
    };
    nurse = await staff(centre);
    otherNurse = await staff(otherCentre);
  });
  afterAll(async () => deps.close());

  const stateOf = async (id: string) =>
    (await queryRows<PersonState>(deps.db, sql`select status, monitoring_planned_end::text as planned_end, monitoring_actual_end::text as actual_end, monitoring_end_reason as end_reason from persons where id = ${id}`))[0]!;
  const as = <T>(actor: Actor, at: Date, fn: Parameters<typeof withTransaction<T>>[2]) => withTransaction(deps.db, { actor, now: at }, fn);

  it('plans the end from the rules (close contact: last contact + 5 days) and ends it when the date has passed, locally', async () => {
    const [id] = await createPersons(deps.db, { centreId: centre, classification: 'close_contact', lastContactDate: '2026-07-01' });
    await runTick(deps, new Date('2026-07-06T00:00:00Z')); // 09:00 JST on the planned end day: still monitored
    expect(await stateOf(id!)).toMatchObject({ status: 'close_contact', planned_end: '2026-07-06' });
    expect((await sessionsOf(deps.db, [id!])).map((s) => s.status)).toEqual(['pending']);
    const s = await runTick(deps, new Date('2026-07-06T15:00:00Z')); // 00:00 JST on the 7th
    expect(s.monitoringEnded).toBeGreaterThanOrEqual(1);
    expect(await stateOf(id!)).toEqual({ status: 'monitoring_ended', planned_end: '2026-07-06', actual_end: '2026-07-07', end_reason: 'planned_end_reached' });
    expect((await sessionsOf(deps.db, [id!])).map((x) => x.status)).toEqual(['missed']); // its day ended first
    const history = await queryRows<{ status: string }>(deps.db, sql`select status from person_status_history where person_id = ${id!}`);
    expect(history.map((h) => h.status)).toEqual(['monitoring_ended']);
    const audit = await queryRows<{ actor_kind: string; action: string }>(deps.db, sql`select actor_kind, action from audit_log where person_id = ${id!}`);
    expect(audit).toEqual([{ actor_kind: 'system', action: 'end_monitoring' }]);
    await runTick(deps, new Date('2026-07-07T00:00:00Z'));
    expect(await sessionsOf(deps.db, [id!])).toHaveLength(1); // prompts stop
  });

  it('holds back an end that needs improving symptoms while a symptom alert is recent', async () => {
    const [id] = await createPersons(deps.db, { centreId: centre, classification: 'confirmed', onsetDate: '2026-07-01' });
    await deps.db.execute(sql`insert into alerts (person_id, centre_id, severity, reason, created_at) values (${id!}, ${centre}, 'amber', 'temperature_high', '2026-07-08T10:00:00Z')`);
    await runTick(deps, new Date('2026-07-08T15:30:00Z')); // 00:30 JST on the 9th; planned end 07-08
    expect(await stateOf(id!)).toMatchObject({ status: 'home_recuperation', planned_end: '2026-07-08' });
    await runTick(deps, new Date('2026-07-09T10:30:00Z')); // 24 hours without a symptom alert
    expect((await stateOf(id!)).status).toBe('monitoring_ended');
  });

  it('lets staff extend monitoring (audited) within their scope only', async () => {
    const [id] = await createPersons(deps.db, { centreId: centre, plannedEnd: '2026-08-01' });
    const at = new Date('2026-07-20T01:00:00Z');
    await expect(as(otherNurse, at, (ctx) => extendMonitoring({ ctx, input: { personId: id, plannedEnd: '2026-08-10' } }))).rejects.toBeInstanceOf(NotFoundError);
    await expect(as(nurse, at, (ctx) => extendMonitoring({ ctx, input: { personId: id, plannedEnd: 'next week' } }))).rejects.toBeInstanceOf(ValidationError);
    await as(nurse, at, (ctx) => extendMonitoring({ ctx, input: { personId: id, plannedEnd: '2026-08-10' } }));
    expect((await stateOf(id!)).planned_end).toBe('2026-08-10');
    await runTick(deps, new Date('2026-08-02T00:00:00Z'));
    expect((await stateOf(id!)).status).toBe('home_recuperation');
    const audit = await queryRows<{ actor_id: string; action: string }>(deps.db, sql`select actor_id, action from audit_log where person_id = ${id!}`);
    expect(audit).toEqual([{ actor_id: (nurse as { staffId: string }).staffId, action: 'update' }]);
  });

  it('lets staff end monitoring early: open checks cancelled, prompts stop, audited', async () => {
    const [id] = await createPersons(deps.db, { centreId: centre });
    await runTick(deps, new Date('2026-08-03T00:00:00Z'));
    expect((await sessionsOf(deps.db, [id!])).map((s) => s.status)).toEqual(['pending']);
    await as(nurse, new Date('2026-08-03T01:00:00Z'), (ctx) => endMonitoring({ ctx, input: { personId: id, reason: '症状消失' } }));
    expect(await stateOf(id!)).toMatchObject({ status: 'monitoring_ended', actual_end: '2026-08-03', end_reason: '症状消失' });
    expect((await sessionsOf(deps.db, [id!])).map((s) => s.status)).toEqual(['cancelled']);
    await expect(as(nurse, new Date(), (ctx) => endMonitoring({ ctx, input: { personId: id } }))).rejects.toThrow('not under monitoring');
    await runTick(deps, new Date('2026-08-03T06:00:00Z'));
    expect(await sessionsOf(deps.db, [id!])).toHaveLength(1);
    const [row] = await queryRows<{ actor_kind: string; actor_id: string }>(deps.db, sql`select actor_kind, actor_id from audit_log where person_id = ${id!} and action = 'end_monitoring'`);
    expect(row).toEqual({ actor_kind: 'staff', actor_id: (nurse as { staffId: string }).staffId });
    // A system actor (no scope limit) reaches nobody outside monitoring either.
    await expect(as(systemActor('t'), new Date(), (ctx) => endMonitoring({ ctx, input: { personId: '00000000-0000-4000-8000-000000000000' } }))).rejects.toBeInstanceOf(NotFoundError);
  });
});
