import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client';
import { runDispatch } from '../../src/jobs/dispatch';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';
import { recordDispatchers } from './support/recording-dispatcher';
import { drained } from './support/wait';

const QUEUES = ['dispatch-line', 'dispatch-sms', 'dispatch-voice', 'dispatch-web', 'rounds'] as const;
const MIN = 60_000;

// The chain prompt → reminder → automated call → non-responder alert, with every delay
// shortened to one minute by configuration, driven tick by tick with a clock.
describe('reminders, calls and non-responder alerts', () => {
  const t0 = new Date('2026-06-01T00:00:00Z'); // 09:00 JST
  let clock = t0;
  let deps: TestDeps;
  let rec: ReturnType<typeof recordDispatchers>;
  const p: Record<string, string> = {};
  beforeAll(async () => {
    deps = await createTestDeps({ REMINDER_AFTER_MINUTES: '1', CALL_AFTER_REMINDER_MINUTES: '1', NON_RESPONDER_AFTER_CALL_MINUTES: '1' }, { now: () => clock });
    rec = recordDispatchers();
    const centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    const one = async (name: string, spec: Parameters<typeof createPersons>[1]) => {
      p[name] = (await createPersons(deps.db, { roundTimes: ['09:00'], ...spec }))[0]!;
    };
    await one('smsPhone', { centreId: centre, channel: 'sms' });
    await one('lineRisk', { centreId: centre, channel: 'line', riskFactors: ['immunosuppressed'] });
    await one('lineNoPhone', { centreId: centre, channel: 'line', phone: null });
    await one('answers', { centreId: centre, channel: 'line' });
    await one('voice', { centreId: centre, channel: 'voice' });
    await one('missedYesterday', { centreId: centre, channel: 'line', phone: null });
    await deps.db.execute(sql`
      insert into check_sessions (person_id, flow_version_id, local_date, round, channel, status, due_at, expires_at)
      select ${p.missedYesterday!}, v.id, '2026-05-31', '09:00', 'line', 'missed', '2026-05-31T00:00:00Z', '2026-05-31T15:00:00Z'
      from flow_versions v join flows f on f.id = v.flow_id where f.key = 'patient-daily' and v.status = 'published' limit 1`);
    deps.jobs.startWorkers(deps, { scheduler: false });
  });
  afterAll(async () => {
    rec.restore();
    await deps.close();
  });

  const today = async (name: string) => (await sessionsOf(deps.db, [p[name]!])).find((s) => s.local_date === '2026-06-01')!;
  const tickAt = async (minutes: number) => {
    clock = new Date(t0.getTime() + minutes * MIN);
    const summary = await runTick(deps, clock);
    await drained(deps.jobs, QUEUES);
    return summary;
  };

  it('prompts everyone, then reminds on the same channel those who have not answered', async () => {
    await tickAt(0);
    expect(rec.ids('line').length + rec.ids('sms').length + rec.ids('voice').length).toBe(6);
    // One person answers before the reminder is due.
    await deps.db.execute(sql`update check_sessions set status = 'completed', completed_at = now(), next_action_at = null where person_id = ${p.answers!}`);
    const s = await tickAt(1);
    expect(s.reminders).toBe(5);
    expect(rec.ids('sms', 'reminder')).toEqual([(await today('smsPhone')).id]);
    expect(rec.ids('voice', 'reminder')).toEqual([(await today('voice')).id]);
    expect(rec.ids('line', 'reminder').sort()).toEqual([(await today('lineRisk')).id, (await today('lineNoPhone')).id, (await today('missedYesterday')).id].sort());
    expect(rec.sends.filter((x) => x.kind === 'reminder').flatMap((x) => x.sessionIds)).not.toContain((await today('answers')).id);
    expect((await today('smsPhone')).reminders_sent).toBe(1);
  });

  it('calls those with a phone number whose channel is not voice; the others go straight to the alert', async () => {
    const s = await tickAt(2);
    expect(s.calls).toBe(2);
    const calls = rec.sends.filter((x) => x.channel === 'voice' && x.kind === 'reminder').flatMap((x) => x.sessionIds);
    expect(calls).toContain((await today('smsPhone')).id);
    expect(calls).toContain((await today('lineRisk')).id);
    expect((await today('smsPhone')).call_attempts).toBe(1);
    expect(s.nonResponderAlerts).toBe(3); // no phone ×2, voice
  });

  it('raises non-responder alerts: amber, red for risk factors or a second missed day, none for who answered', async () => {
    await tickAt(3);
    const alerts = await queryRows<{ person_id: string; severity: string; reason: string; dedupe_key: string }>(
      deps.db,
      sql`select person_id, severity, reason, dedupe_key from alerts where reason = 'non_responder'`,
    );
    const by = (name: string) => alerts.filter((a) => a.person_id === p[name]).map((a) => a.severity);
    expect(by('smsPhone')).toEqual(['amber']);
    expect(by('lineRisk')).toEqual(['red']);
    expect(by('lineNoPhone')).toEqual(['amber']);
    expect(by('voice')).toEqual(['amber']);
    expect(by('missedYesterday')).toEqual(['red']);
    expect(by('answers')).toEqual([]);
    expect(alerts.every((a) => a.dedupe_key.startsWith('non_responder:'))).toBe(true);
    // The chain is over: later ticks add nothing.
    const later = await tickAt(30);
    expect(later.reminders + later.calls + later.nonResponderAlerts).toBe(0);
  });

  it('does not send a reminder that races a completing answer (the job re-checks the session)', async () => {
    const [id] = await createPersons(deps.db, { centreId: (await queryRows<{ id: string }>(deps.db, sql`select responsible_centre_id as id from persons where id = ${p.answers!}`))[0]!.id, roundTimes: ['09:00'] });
    clock = new Date(t0.getTime() + 24 * 60 * MIN); // next day 09:00
    await runTick(deps, clock);
    await drained(deps.jobs, QUEUES);
    const [s] = await sessionsOf(deps.db, [id!]);
    expect(s!.status).toBe('prompted');
    await deps.db.execute(sql`update check_sessions set status = 'completed', next_action_at = null where id = ${s!.id}`);
    const before = rec.sends.length;
    expect(await runDispatch(deps, 'line', [s!.id], 'reminder')).toEqual({ sent: 0 });
    expect(rec.sends.length).toBe(before);
  });
});
