import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../../db/client';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';

// person_due.next_due_at: when the tick must next look at a person (src/domain/rounds/next-due.ts).
// Every change that decides it makes the person due at once ('-infinity', database triggers);
// the tick then computes the exact instant with its own clock.
describe('next due time of a person', () => {
  let deps: TestDeps;
  let tokyo: string;
  beforeAll(async () => {
    deps = await createTestDeps();
    tokyo = (await createCentre(deps.db, 'Asia/Tokyo')).id;
  });
  afterAll(async () => deps.close());

  const dueOf = async (id: string): Promise<string | null> => {
    const [r] = await queryRows<{ at: string | null }>(deps.db, sql`select case when next_due_at = '-infinity' then '-infinity' else to_char(next_due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') end as at from person_due where person_id = ${id}`);
    return r!.at;
  };
  const exec = (q: SQL) => deps.db.execute(q);
  const tick = (iso: string) => runTick(deps, new Date(iso));

  it('follows the rounds: the next round without a session, today or tomorrow', async () => {
    const [p] = await createPersons(deps.db, { centreId: tokyo, roundTimes: ['09:00', '15:00'] });
    expect(await dueOf(p!)).toBe('-infinity'); // new: due at the next tick
    await tick('2026-04-01T22:00:00Z'); // 07:00 JST on 2 April
    expect(await dueOf(p!)).toBe('2026-04-02T00:00Z'); // 09:00 JST
    const idle = await tick('2026-04-01T23:00:00Z'); // nothing due: the person is not looked at
    expect(idle.nextDueSet).toBe(0);
    await tick('2026-04-02T00:00:00Z'); // 09:00: the round is created
    expect((await sessionsOf(deps.db, [p!])).map((s) => s.round)).toEqual(['09:00']);
    expect(await dueOf(p!)).toBe('2026-04-02T06:00Z'); // 15:00 JST
    await tick('2026-04-02T06:00:00Z');
    expect(await dueOf(p!)).toBe('2026-04-03T00:00Z'); // tomorrow 09:00 JST
    // A session removed while its round is still open (deleting a session marks nobody due by
    // itself; a change of the assignment does): the open round is created again at once.
    await exec(sql`delete from check_sessions where person_id = ${p!} and round = '15:00'`);
    await exec(sql`update flow_assignments set round_times = '["09:00","15:00"]'::jsonb where person_id = ${p!}`);
    await tick('2026-04-02T07:00:00Z');
    expect((await sessionsOf(deps.db, [p!])).map((s) => s.round)).toEqual(['09:00', '15:00']);
    expect(await dueOf(p!)).toBe('2026-04-03T00:00Z');
  });

  it('changes with the round times, the centre’s zone, the start of monitoring and the status', async () => {
    const centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    const [p] = await createPersons(deps.db, { centreId: centre, roundTimes: ['09:00'] });
    await tick('2026-04-10T01:00:00Z'); // 10:00 JST: the 09:00 round is open and created now
    expect(await dueOf(p!)).toBe('2026-04-11T00:00Z');

    await exec(sql`update flow_assignments set round_times = '["12:00","20:00"]'::jsonb where person_id = ${p!}`);
    expect(await dueOf(p!)).toBe('-infinity');
    await tick('2026-04-10T01:05:00Z');
    expect(await dueOf(p!)).toBe('2026-04-10T03:00Z'); // 12:00 JST today

    await exec(sql`update jurisdictions set time_zone = 'America/New_York' where id = ${centre}`);
    expect(await dueOf(p!)).toBe('-infinity');
    await tick('2026-04-10T01:10:00Z'); // 21:10 EDT on 9 April: today's rounds are over, tomorrow 12:00 EDT
    expect(await dueOf(p!)).toBe('2026-04-10T16:00Z');
    await exec(sql`update jurisdictions set time_zone = 'Asia/Tokyo' where id = ${centre}`);

    await exec(sql`update persons set monitoring_start = '2026-04-15' where id = ${p!}`);
    expect(await dueOf(p!)).toBe('-infinity');
    await tick('2026-04-10T01:15:00Z');
    expect(await dueOf(p!)).toBe('2026-04-15T03:00Z'); // the first round on the first day

    await exec(sql`update persons set status = 'hospitalized' where id = ${p!}`);
    expect(await dueOf(p!)).toBe('-infinity');
    await tick('2026-04-10T01:20:00Z');
    expect(await dueOf(p!)).toBeNull(); // nothing to do while not monitored
    await exec(sql`update persons set status = 'home_recuperation' where id = ${p!}`);
    await tick('2026-04-10T01:25:00Z');
    expect(await dueOf(p!)).toBe('2026-04-15T03:00Z');
  });

  it('skips paused days and comes back when a pause ends early', async () => {
    const [p] = await createPersons(deps.db, { centreId: tokyo, roundTimes: ['09:00'] });
    await tick('2026-05-01T01:00:00Z'); // 10:00 JST on 1 May
    expect(await dueOf(p!)).toBe('2026-05-02T00:00Z');
    await exec(sql`insert into monitoring_pauses (person_id, reason, started_at, resume_on) values (${p!}, 'hospitalized', '2026-05-01T01:00:00Z', '2026-05-05')`);
    expect(await dueOf(p!)).toBe('-infinity');
    await tick('2026-05-01T01:05:00Z');
    expect(await dueOf(p!)).toBe('2026-05-05T00:00Z'); // the resume date's round
    await tick('2026-05-02T00:00:00Z'); // 2 May 09:00: paused, the person is not even looked at
    expect((await sessionsOf(deps.db, [p!])).map((s) => s.local_date)).toEqual(['2026-05-01']);
    await exec(sql`update monitoring_pauses set ended_at = '2026-05-03T00:30:00Z', end_kind = 'ended_by_staff' where person_id = ${p!}`);
    expect(await dueOf(p!)).toBe('-infinity');
    await tick('2026-05-03T00:30:00Z'); // 09:30 JST on 3 May: today's round is still open, so it is created now
    expect((await sessionsOf(deps.db, [p!])).map((s) => s.local_date)).toEqual(['2026-05-01', '2026-05-03']);
    expect(await dueOf(p!)).toBe('2026-05-04T00:00Z');
  });

  it('is the end of monitoring after the last round, held while a symptom alert is recent', async () => {
    const [contact] = await createPersons(deps.db, { centreId: tokyo, classification: 'close_contact', roundTimes: ['09:00'], plannedEnd: '2026-06-03' });
    await tick('2026-06-03T01:00:00Z'); // 10:00 JST on the last day
    expect(await dueOf(contact!)).toBe('2026-06-03T15:00Z'); // the start of 4 June in Tokyo: the end, not a round
    const ending = await tick('2026-06-03T15:00:00Z');
    expect(ending.monitoringEnded).toBeGreaterThanOrEqual(1);
    expect(await dueOf(contact!)).toBeNull();

    // confirmed: 7 days after onset, 24 hours without a symptom alert (monitoring_end_rules).
    const [patient] = await createPersons(deps.db, { centreId: tokyo, roundTimes: ['09:00'], onsetDate: '2026-05-28' });
    await tick('2026-06-04T01:00:00Z'); // the planned end is filled from the rules: 4 June
    const [row] = await queryRows<{ end: string }>(deps.db, sql`select monitoring_planned_end::text as end from persons where id = ${patient!}`);
    expect(row!.end).toBe('2026-06-04');
    expect(await dueOf(patient!)).toBe('2026-06-04T15:00Z');
    await exec(sql`insert into alerts (person_id, centre_id, severity, reason, created_at) select ${patient!}, responsible_centre_id, 'amber', 'symptom', '2026-06-04T12:00:00Z' from persons where id = ${patient!}`);
    await exec(sql`update persons set onset_date = '2026-05-28' where id = ${patient!}`); // (no change: still due at its time)
    await tick('2026-06-04T15:00:00Z'); // the end is held: the alert is 3 hours old
    expect(await dueOf(patient!)).toBe('2026-06-05T12:00Z'); // 24 hours after the alert
    await tick('2026-06-05T11:59:00Z'); // not yet
    expect(await dueOf(patient!)).toBe('2026-06-05T12:00Z');
    await tick('2026-06-05T12:00:00Z');
    const [ended] = await queryRows<{ status: string }>(deps.db, sql`select status from persons where id = ${patient!}`);
    expect(ended!.status).toBe('monitoring_ended');
    expect(await dueOf(patient!)).toBeNull();
  });

  it('a test record or a corrected date makes the person due again', async () => {
    const [p] = await createPersons(deps.db, { centreId: tokyo, classification: 'asymptomatic', roundTimes: ['09:00'] });
    await tick('2026-07-01T01:00:00Z');
    expect(await dueOf(p!)).toBe('2026-07-02T00:00Z'); // no specimen yet: no planned end
    await exec(sql`insert into test_records (person_id, specimen_date, method, result) values (${p!}, '2026-06-28', 'pcr', 'positive')`);
    expect(await dueOf(p!)).toBe('-infinity');
    await tick('2026-07-01T01:05:00Z');
    const [row] = await queryRows<{ end: string }>(deps.db, sql`select monitoring_planned_end::text as end from persons where id = ${p!}`);
    expect(row!.end).toBe('2026-07-05');
    expect(await dueOf(p!)).toBe('2026-07-02T00:00Z');
  });
});
