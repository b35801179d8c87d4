import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';

interface AlertRow {
  person_id: string;
  session_id: string;
  severity: string;
  dedupe_key: string;
  details: { reasons: { ruleId: string; ja: string; en: string; values: Record<string, unknown> }[] };
}

/**
 * A check that closes without ever having reached the person is not a silent "missed":
 * the health centre gets one amber 'not_sent' alert saying why. No worker runs here: the
 * sessions stay as the tick (and the test, standing in for a dispatcher) left them.
 */
describe('checks that close never sent', () => {
  const t0 = new Date('2026-08-03T00:00:00Z'); // 09:00 JST
  const nextDay = new Date('2026-08-04T00:00:00Z'); // the 3rd's sessions have expired
  let deps: TestDeps;
  const p: Record<string, string> = {};
  beforeAll(async () => {
    deps = await createTestDeps();
    const centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    const one = async (name: string, spec: Omit<Parameters<typeof createPersons>[1], 'centreId'> = {}) => {
      p[name] = (await createPersons(deps.db, { centreId: centre, classification: 'close_contact', roundTimes: ['09:00'], ...spec }))[0]!;
    };
    await one('lostInRedis');
    await one('twilioDown', { channel: 'sms' });
    await one('unreachable', { channel: 'sms' });
    await one('hospitalized');
    await one('sentUnanswered');
    await one('chainAlerted');
    await runTick(deps, t0); // creates every session; nothing dispatches them
  });
  afterAll(async () => deps.close());

  const sessionOf = async (name: string) => (await sessionsOf(deps.db, [p[name]!])).find((s) => s.local_date === '2026-08-03')!;
  const prompted = (id: string) => deps.db.execute(sql`update check_sessions set status = 'prompted', prompted_at = ${t0.toISOString()}::timestamptz where id = ${id}`);
  const outbound = (name: string, id: string, values: { channel: string; kind: string; key: string; status: string; provider?: string; code?: string }) =>
    deps.db.execute(sql`insert into outbound_messages (person_id, session_id, channel, kind, retry_key, status, provider_message_id, error_code)
      values (${p[name]!}, ${id}, ${values.channel}, ${values.kind}, ${values.key}, ${values.status}, ${values.provider ?? null}, ${values.code ?? null})`);
  const notSent = () => queryRows<AlertRow>(deps.db, sql`select person_id, session_id, severity, dedupe_key, details from alerts where reason = 'not_sent' order by created_at`);

  it('raises one amber alert per check that never reached the person, saying why', async () => {
    // SMS prompt recorded by the dispatcher, still queued when the round closed (Twilio 5xx all day).
    const tw = await sessionOf('twilioDown');
    await prompted(tw.id);
    await outbound('twilioDown', tw.id, { channel: 'sms', kind: 'prompt', key: `sms:prompt:${tw.id}:1:0`, status: 'queued', code: 'transient' });
    // The SMS number bounced earlier: the dispatcher sent nothing, the job marked it prompted.
    const un = await sessionOf('unreachable');
    await prompted(un.id);
    await deps.db.execute(sql`update person_channels set state = 'unreachable' where person_id = ${p.unreachable!} and kind = 'sms'`);
    // Not to be alerted: left monitoring; reached but did not answer; already alerted by the reminder chain.
    await deps.db.execute(sql`update persons set status = 'hospitalized' where id = ${p.hospitalized!}`);
    const sent = await sessionOf('sentUnanswered');
    await prompted(sent.id);
    await outbound('sentUnanswered', sent.id, { channel: 'line', kind: 'prompt', key: `line:prompt:${sent.id}:0`, status: 'sent', provider: 'req-1' });
    const chained = await sessionOf('chainAlerted');
    await deps.db.execute(sql`insert into alerts (person_id, session_id, centre_id, severity, reason, dedupe_key)
      select id, ${chained.id}, responsible_centre_id, 'amber', 'non_responder', ${`non_responder:${chained.id}`} from persons where id = ${p.chainAlerted!}`);

    const summary = await runTick(deps, nextDay);
    expect(summary.notSentAlerts).toBe(3);
    const alerts = await notSent();
    const of = (name: string) => alerts.filter((a) => a.person_id === p[name]);
    expect(alerts.map((a) => a.person_id).sort()).toEqual([p.lostInRedis!, p.twilioDown!, p.unreachable!].sort());
    expect(alerts.every((a) => a.severity === 'amber' && a.dedupe_key === `not_sent:${a.session_id}`)).toBe(true);

    const [redis] = of('lostInRedis');
    expect(redis!.session_id).toBe((await sessionOf('lostInRedis')).id);
    expect(redis!.details.reasons[0]).toMatchObject({ ruleId: 'not_sent', values: { cause: 'not_dispatched', channel: 'line', localDate: '2026-08-03', round: '09:00' } });
    expect(redis!.details.reasons[0]!.ja).toContain('送信されないまま');
    expect(of('twilioDown')[0]!.details.reasons[0]).toMatchObject({ values: { cause: 'send_kept_failing', channel: 'sms' } });
    expect(of('twilioDown')[0]!.details.reasons[0]!.ja).toContain('SMSの送信が回の終わりまで失敗し続け');
    expect(of('twilioDown')[0]!.details.reasons[0]!.en).toContain('kept failing');
    expect(of('unreachable')[0]!.details.reasons[0]).toMatchObject({ values: { cause: 'no_channel', channelState: 'unreachable' } });
    expect(of('unreachable')[0]!.details.reasons[0]!.ja).toBe('SMSの連絡先が使えない（不達）ため、健康観察を送れませんでした');
    // Every one of them is closed as missed; the reached one gets the non-responder alert, not this one.
    expect((await sessionOf('twilioDown')).status).toBe('missed');
    expect(summary.nonResponderAlerts).toBe(1);
  });

  it('raises nothing twice', async () => {
    const before = (await notSent()).length;
    const again = await runTick(deps, new Date(nextDay.getTime() + 60_000));
    expect(again.notSentAlerts).toBe(0);
    expect((await notSent()).length).toBe(before);
  });
});
