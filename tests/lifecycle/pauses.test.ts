import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client';
import { createApp } from '../../src/app';
import { systemActor, withTransaction } from '../../src/domain/context';
import { raiseNonResponder } from '../../src/domain/rounds/raise-non-responder';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { bearer, Client, makeStaff, makeToken } from '../admin/support';
import { createCentre, createPersons, sessionsOf } from '../jobs/support/fixtures';

// 一時停止: a paused person gets no prompt and raises no non-responder alert, and is
// prompted again from the resume date (the tick ends the pause).
let deps: TestDeps;
let clock = new Date('2026-06-01T00:30:00Z');
let api: ReturnType<typeof bearer>;
let app: ReturnType<typeof createApp>;
let centre: { id: string; code: string };

beforeAll(async () => {
  deps = await createTestDeps({}, { now: () => clock });
  app = createApp(deps);
  centre = await createCentre(deps.db, 'Asia/Tokyo');
  await makeStaff(deps, { email: 'p@pause.jp', role: 'nurse', jurisdictionCode: centre.code });
  api = bearer(app, await makeToken(deps, 'p@pause.jp'));
});
afterAll(async () => deps?.close());

const alertsOf = async (id: string) => queryRows<{ reason: string }>(deps.db, sql`select reason from alerts where person_id = ${id}`);

describe('pauses', () => {
  it('no prompt and no non-responder alert while paused; prompted again on the resume date', async () => {
    const [id, control] = await createPersons(deps.db, { centreId: centre.id, count: 2, roundTimes: ['09:00'], plannedEnd: '2026-12-31' });
    await runTick(deps, new Date('2026-06-01T00:00:00Z')); // 09:00 JST: both get today's check
    await deps.db.execute(sql`update check_sessions set status = 'prompted', prompted_at = '2026-06-01T00:00:00Z' where local_date = '2026-06-01'`);

    clock = new Date('2026-06-01T00:30:00Z');
    const res = await api('POST', `/api/v1/persons/${id}/pauses`, { reason: 'hospitalized', resumeOn: '2026-06-04', note: '入院のため' });
    expect(res.status).toBe(201);
    expect((await sessionsOf(deps.db, [id!])).map((s) => s.status)).toEqual(['cancelled']); // today's check stops

    // The rest of the day: reminders, calls and the non-responder alert go to the control person only.
    for (const at of ['2026-06-01T03:00:00Z', '2026-06-01T06:00:00Z', '2026-06-01T09:00:00Z', '2026-06-01T15:00:00Z']) await runTick(deps, new Date(at));
    expect(await alertsOf(id!)).toEqual([]);
    // Even a check started by hand meanwhile raises no non-responder alert.
    const [manual] = await queryRows<{ id: string }>(deps.db, sql`insert into check_sessions (person_id, flow_version_id, local_date, round, channel, status, source, due_at, expires_at)
      select ${id}, flow_version_id, '2026-06-01', 'manual-1', 'line', 'prompted', 'manual', now(), now() + interval '1 hour' from check_sessions where person_id = ${id} limit 1 returning id`);
    const raised = await withTransaction(deps.db, { actor: systemActor('test'), now: clock }, (ctx) => raiseNonResponder({ ctx, input: { sessionId: manual!.id } }));
    expect(raised.alertId).toBeNull();
    const controlSession = (await sessionsOf(deps.db, [control!]))[0]!;
    const controlRaised = await withTransaction(deps.db, { actor: systemActor('test'), now: clock }, (ctx) => raiseNonResponder({ ctx, input: { sessionId: controlSession.id } }));
    expect(controlRaised.alertId).not.toBeNull(); // the same verb does raise one for a person not paused

    for (const day of ['2026-06-02', '2026-06-03']) {
      const s = await runTick(deps, new Date(`${day}T00:00:00Z`));
      expect(s.pausesResumed).toBe(0);
    }
    expect((await sessionsOf(deps.db, [id!])).filter((s) => s.round === '09:00').map((s) => s.local_date)).toEqual(['2026-06-01']);
    expect((await sessionsOf(deps.db, [control!])).map((s) => s.local_date)).toEqual(['2026-06-01', '2026-06-02', '2026-06-03']);

    const resumed = await runTick(deps, new Date('2026-06-03T15:00:00Z')); // 00:00 JST on the 4th
    expect(resumed.pausesResumed).toBe(1);
    await runTick(deps, new Date('2026-06-04T00:00:00Z'));
    expect((await sessionsOf(deps.db, [id!])).filter((s) => s.round === '09:00').map((s) => s.local_date)).toEqual(['2026-06-01', '2026-06-04']);

    clock = new Date('2026-06-04T01:00:00Z');
    const body = (await (await api('GET', `/api/v1/persons/${id}/pauses`)).json()) as { paused: boolean; pauses: { reason: string; resumeOn: string; endKind: string; note: string }[] };
    expect(body.paused).toBe(false);
    expect(body.pauses).toMatchObject([{ reason: 'hospitalized', resumeOn: '2026-06-04', endKind: 'resumed_on_date', note: '入院のため' }]);
    const audit = await queryRows<{ action: string; actor_kind: string }>(deps.db, sql`select action, actor_kind from audit_log where entity = 'monitoring_pause' and person_id = ${id} order by id`);
    expect(audit).toEqual([{ action: 'pause', actor_kind: 'token' }, { action: 'resume', actor_kind: 'system' }]);

    const web = new Client(app);
    await web.signIn('p@pause.jp');
    const page = await (await web.get(`/admin/persons/${id}`)).text();
    const card = page.slice(page.indexOf('id="person-pauses"'));
    expect(card).toContain('一時停止（入院）');
    expect(card).toContain('再開日に再開');
  });

  it('staff can end a pause early; bad dates and persons not monitored are refused clearly', async () => {
    clock = new Date('2026-07-01T01:00:00Z');
    const [id] = await createPersons(deps.db, { centreId: centre.id, roundTimes: ['09:00'], plannedEnd: '2026-12-31' });
    const past = await api('POST', `/api/v1/persons/${id}/pauses`, { reason: 'travel', resumeOn: '2026-07-01' });
    expect(past.status).toBe(422);
    expect((await past.json()).messageJa).toContain('再開日は明日から90日後までの日付にしてください');
    expect((await api('POST', `/api/v1/persons/${id}/pauses`, { reason: 'sleeping', resumeOn: '2026-07-05' })).status).toBe(422);
    expect((await api('POST', `/api/v1/persons/${id}/pauses`, { reason: 'travel', resumeOn: '2026-07-05' })).status).toBe(201);
    const twice = await api('POST', `/api/v1/persons/${id}/pauses`, { reason: 'travel', resumeOn: '2026-07-06' });
    expect(twice.status).toBe(409);
    expect((await twice.json()).messageJa).toBe('すでに一時停止中です');
    expect((await api('POST', `/api/v1/persons/${id}/pauses/end`)).status).toBe(200);
    await runTick(deps, new Date('2026-07-02T00:00:00Z'));
    expect((await sessionsOf(deps.db, [id!])).map((s) => s.local_date)).toContain('2026-07-02');
    const [ended] = await createPersons(deps.db, { centreId: centre.id, status: 'monitoring_ended' });
    expect((await api('POST', `/api/v1/persons/${ended}/pauses`, { reason: 'travel', resumeOn: '2026-07-05' })).status).toBe(409);
  });
});
