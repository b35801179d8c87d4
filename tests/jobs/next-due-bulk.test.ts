import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client';
import { nextDueSql } from '../../src/domain/rounds/next-due';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons } from './support/fixtures';

// The tick recomputes person_due for a whole chunk in one set-based statement (recomputeNextDue).
// After a bulk creation of sessions (a round prepared ahead for everyone at once), every
// person's stored next due time must be exactly what the per-person definition (nextDueSql)
// gives when recomputed from scratch at the same instant — for every kind of person.
describe('person_due after a bulk round, against a recompute from scratch', () => {
  let deps: TestDeps;
  let all: string[] = [];
  beforeAll(async () => {
    deps = await createTestDeps({ ROUND_PREPARE_MINUTES: '5' });
    const tokyo = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    const ny = (await createCentre(deps.db, 'America/New_York')).id;
    const groups = await Promise.all([
      createPersons(deps.db, { centreId: tokyo, count: 30, roundTimes: ['09:00', '15:00'] }),
      createPersons(deps.db, { centreId: tokyo, count: 10, classification: 'close_contact', roundTimes: ['09:00'], plannedEnd: '2026-08-02' }),
      createPersons(deps.db, { centreId: tokyo, count: 8, roundTimes: ['09:00'], monitoringStart: '2026-08-05' }),
      createPersons(deps.db, { centreId: tokyo, count: 8, roundTimes: ['09:00', '21:00'] }), // paused below
      createPersons(deps.db, { centreId: tokyo, count: 5, status: 'hospitalized' }),
      createPersons(deps.db, { centreId: tokyo, count: 6, roundTimes: ['09:00'], onsetDate: '2026-07-27' }), // confirmed: planned end from the rules
      createPersons(deps.db, { centreId: ny, count: 10, roundTimes: ['08:00', '20:00'] }),
      createPersons(deps.db, { centreId: tokyo, count: 4, roundTimes: [] }), // no round: only an end, or nothing
    ]);
    all = groups.flat();
    const paused = groups[3]!;
    await deps.db.execute(sql`insert into monitoring_pauses (person_id, reason, started_at, resume_on)
      select x, 'hospitalized', '2026-08-01T00:00:00Z', '2026-08-04' from unnest(${`{${paused.slice(0, 5).join(',')}}`}::uuid[]) x`);
    const symptomatic = groups[5]!;
    await deps.db.execute(sql`insert into alerts (person_id, centre_id, severity, reason, created_at)
      select p.id, p.responsible_centre_id, 'amber', 'symptom', '2026-08-02T10:00:00Z' from persons p where p.id = any(${`{${symptomatic.slice(0, 3).join(',')}}`}::uuid[])`);
  });
  afterAll(async () => deps.close());

  const mismatches = async (now: Date) =>
    queryRows<{ id: string; stored: string | null; scratch: string | null }>(
      deps.db,
      sql`select p.id, d.next_due_at::text as stored, (${nextDueSql(now)})::text as scratch
          from persons p join jurisdictions j on j.id = p.responsible_centre_id join person_due d on d.person_id = p.id
          where p.id = any(${`{${all.join(',')}}`}::uuid[]) and d.next_due_at is distinct from (${nextDueSql(now)})`,
    );

  it('matches the per-person definition after every tick of two days, prepared rounds, ends and pauses included', async () => {
    const instants = [
      '2026-08-01T23:56:00Z', // 08:56 JST: the 09:00 round prepared for everyone in Tokyo (one bulk insert)
      '2026-08-02T00:00:00Z',
      '2026-08-02T05:57:00Z', // 15:00 prepared
      '2026-08-02T11:56:00Z', // 20:56 JST, 07:56 EDT: 21:00 Tokyo and 08:00 New York prepared together
      '2026-08-02T15:00:00Z', // midnight in Tokyo: the contacts' monitoring ends
      '2026-08-03T23:58:00Z',
      '2026-08-04T00:05:00Z', // the pause is over: today's round is still open
    ];
    let prepared = 0;
    for (const iso of instants) {
      const now = new Date(iso);
      const summary = await runTick(deps, now);
      prepared += summary.created;
      expect({ at: iso, mismatches: await mismatches(now) }).toEqual({ at: iso, mismatches: [] });
      // A hole: sessions deleted and the persons made due again (as a change of assignment does).
      if (iso === '2026-08-02T00:00:00Z') {
        await deps.db.execute(sql`delete from check_sessions where person_id = any(${`{${all.slice(0, 7).join(',')}}`}::uuid[])`);
        await deps.db.execute(sql`update person_due set next_due_at = '-infinity' where person_id = any(${`{${all.slice(0, 7).join(',')}}`}::uuid[])`);
      }
    }
    expect(prepared).toBeGreaterThan(100); // the rounds were really created in bulk
    const [n] = await queryRows<{ n: number }>(deps.db, sql`select count(*)::int as n from person_due where person_id = any(${`{${all.join(',')}}`}::uuid[]) and next_due_at is not null and next_due_at <> '-infinity'`);
    expect(n!.n).toBeGreaterThan(50); // and most persons have a real next time, not just "due"
  });
});
