import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { eventRetryKey, processLineInbound } from '../../src/bot/line/process-inbound';
import { lineRetryUuid } from '../../src/bot/line/retry-key';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createLineApiMock, LINE_TEST_BASE_URL } from '../support/line-api-mock';
import { createCentre, createPersons, sessionsOf } from '../jobs/support/fixtures';
import { drained } from '../jobs/support/wait';
import { startTwilioStandIn, type TwilioStandIn } from './support/twilio-stand-in';
import { count, lineTextEvent, lineUserOf, postLine, TWILIO, uniquePhone, until } from './support/world';
import { createApp } from '../../src/app';

const DISPATCH = ['dispatch-line', 'dispatch-sms'] as const;

// LINE (msw, scripted answers) and Twilio (a local HTTP stand-in) fail the way they do in
// production; the real dispatch workers (BullMQ backoff) and dispatchers handle it.
describe('providers answering 429, 5xx and 4xx', () => {
  const line = createLineApiMock();
  let tw: TwilioStandIn;
  let deps: TestDeps;
  let centre: string;
  let hour = 0;
  const clock = { at: new Date('2026-11-02T00:00:00Z') };
  beforeAll(async () => {
    line.server.listen({ onUnhandledRequest: 'bypass' });
    tw = await startTwilioStandIn();
    // SMS_PER_SECOND: the stand-in has no per-number limit; each test's SMS must not queue behind
    // earlier tests' reminders at the production default of 1/s.
    deps = await createTestDeps(
      { LINE_CHANNEL_SECRET: 'faults-line-secret', LINE_CHANNEL_ACCESS_TOKEN: 't', LINE_API_BASE_URL: LINE_TEST_BASE_URL, ...TWILIO, TWILIO_API_BASE_URL: tw.url, SMS_PER_SECOND: '50' },
      { now: () => clock.at },
    );
    centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    deps.jobs.startWorkers(deps, { scheduler: false, queues: DISPATCH });
  });
  afterEach(() => line.reset());
  afterAll(async () => {
    line.server.close();
    await deps?.close();
    await tw?.close();
  });

  /** Persons whose one round is due at the next whole hour of the test clock (a fresh round per test). */
  async function dueNow(spec: { count: number; channel?: 'line' | 'sms' | 'voice'; phone?: string }) {
    hour++;
    const round = `${String(9 + hour).padStart(2, '0')}:00`;
    clock.at = new Date(Date.UTC(2026, 10, 2, hour, 0, 0));
    return createPersons(deps.db, { centreId: centre, classification: 'close_contact', roundTimes: [round], ...spec });
  }
  /** A round's LINE prompts: one row per multicast (line_multicasts), naming these persons. */
  const multicasts = (ids: string[]) =>
    queryRows<{ status: string; error_code: string | null; n: number }>(deps.db, sql`select status, error_code, cardinality(person_ids) as n from line_multicasts where person_ids && ${`{${ids.join(',')}}`}::uuid[] order by created_at`);
  const outbound = (ids: string[]) =>
    queryRows<{ status: string; error_code: string | null; attempts: number }>(deps.db, sql`select status, error_code, attempts from outbound_messages where person_id = any(${`{${ids.join(',')}}`}::uuid[]) order by created_at`);

  it('LINE 429 and 5xx for a while: backoff, then one delivery under one retry key', async () => {
    const ids = await dueNow({ count: 3 });
    line.failNext('multicast', { status: 429, headers: { 'retry-after': '0' } });
    for (let i = 0; i < 3; i++) line.failNext('multicast', { status: 503 });
    await runTick(deps, clock.at);
    await until(async () => (await sessionsOf(deps.db, ids)).every((s) => s.sent), 'the multicast to get through', 15_000);
    const calls = line.of('multicast');
    expect(calls).toHaveLength(5); // 4 refused, then accepted; 3 tries per job run, the job retried after backoff
    expect(new Set(calls.map((c) => c.retryKey)).size).toBe(1);
    expect(await multicasts(ids)).toEqual([{ status: 'sent', error_code: null, n: 3 }]);
    expect(await outbound(ids)).toEqual([]); // no row per person
  });

  it('a permanent LINE 4xx is recorded once, not retried, and the reminder chain carries on', async () => {
    const ids = await dueNow({ count: 2 });
    line.failNext('multicast', { status: 400, body: { message: 'The request body has 1 error(s)' } });
    await runTick(deps, clock.at);
    await until(async () => (await multicasts(ids)).some((r) => r.status === 'failed'), 'the failure to be recorded');
    await new Promise((r) => setTimeout(r, 1500)); // longer than the first backoff: no retry comes
    expect(line.of('multicast')).toHaveLength(1);
    expect(await multicasts(ids)).toEqual([{ status: 'failed', error_code: '400', n: 2 }]);
    // Nobody is forgotten: the reminder (by push) and then the call and the non-responder alert follow.
    expect((await sessionsOf(deps.db, ids)).every((s) => s.next_action_at !== null)).toBe(true);
  });

  it('a LINE push that got a 5xx but was delivered: the retry carries the same X-Line-Retry-Key and the 409 counts as sent', async () => {
    const [person] = await dueNow({ count: 1 });
    await runTick(deps, clock.at);
    await until(async () => (await sessionsOf(deps.db, [person!])).every((s) => s.sent), 'the prompt');
    await drained(deps.jobs, DISPATCH); // earlier tests' reminders fell due in this tick too
    line.reset();
    const event = lineTextEvent(await lineUserOf(deps.db, person!), '36.8', clock.at, true); // a redelivery: no reply token, so a push
    expect((await postLine(createApp(deps), [event])).status).toBe(200);
    const [row] = await queryRows<{ id: string }>(deps.db, sql`select id from inbound_events where provider_event_id = ${event.webhookEventId}`);
    // LINE took the push but the answer was lost (a 5xx from a proxy, a timeout).
    line.markAccepted(lineRetryUuid(eventRetryKey(row!.id)));
    line.failNext('push', { status: 502 });
    line.failNext('push', { status: 502 });
    line.failNext('push', { status: 502 });
    await expect(processLineInbound(deps, row!.id)).rejects.toThrow(/502/);
    await processLineInbound(deps, row!.id); // the job's retry
    const pushes = line.of('push');
    expect(pushes).toHaveLength(4);
    expect(new Set(pushes.map((p) => p.retryKey))).toEqual(new Set([lineRetryUuid(eventRetryKey(row!.id))]));
    const [reply] = await queryRows<{ status: string; error_code: string }>(deps.db, sql`select status, error_code from outbound_messages where retry_key = ${eventRetryKey(row!.id)}`);
    expect(reply).toEqual({ status: 'sent', error_code: 'duplicate_retry_key' });
  });

  it('Twilio 429/503 are retried by the job with backoff, then sent once', async () => {
    const phone = uniquePhone();
    const [person] = await dueNow({ count: 1, channel: 'sms', phone });
    tw.failNext('messages', { status: 429, code: 20429 });
    tw.failNext('messages', { status: 503, code: 20503 });
    await runTick(deps, clock.at);
    await until(() => tw.accepted.some((m) => m.to === phone), 'the SMS to get through', 15_000);
    await until(async () => (await count(deps.db, sql`select count(*)::int as n from outbound_messages where person_id = ${person!} and provider_message_id is null`)) === 0, 'all parts sent');
    const tries = tw.requests.filter((r) => r.to === phone);
    expect(tries.slice(0, 3).map((r) => r.status)).toEqual([429, 503, 201]);
    await until(async () => (await deps.jobs.queue('dispatch-sms').getJobs(['completed'])).length === 1, 'the job to complete');
    const [job] = await deps.jobs.queue('dispatch-sms').getJobs(['completed']);
    expect(job!.attemptsMade).toBe(3);
    expect(job!.opts.attempts).toBe(8); // the bound: after 8 tries the job fails and the session's lease sweeps it
  });

  it('Twilio 21610 (the person texted STOP): opted out, alert raised, never retried', async () => {
    const phone = uniquePhone();
    const [person] = await dueNow({ count: 1, channel: 'sms', phone });
    tw.failNext('messages', { status: 400, code: 21610 });
    await runTick(deps, clock.at);
    await until(async () => (await count(deps.db, sql`select count(*)::int as n from person_channels where person_id = ${person!} and kind = 'sms' and state = 'opted_out'`)) === 1, 'the opt-out');
    const [alert] = await queryRows<{ reason: string }>(deps.db, sql`select reason from alerts where person_id = ${person!}`);
    expect(alert!.reason).toBe('opted_out');
    expect((await outbound([person!]))[0]).toMatchObject({ status: 'failed', error_code: '21610' });
    // The reminder comes due: nothing is sent to a number that said STOP.
    clock.at = new Date(clock.at.getTime() + 3 * 3600_000);
    await runTick(deps, clock.at);
    await new Promise((r) => setTimeout(r, 1500));
    expect(tw.requests.filter((r) => r.to === phone)).toHaveLength(1);
  });

  it('another Twilio 4xx (21211 invalid number): failed, a contact attempt and a channel_lost alert a nurse sees', async () => {
    const phone = uniquePhone();
    const [person] = await dueNow({ count: 1, channel: 'sms', phone });
    tw.failNext('messages', { status: 400, code: 21211 });
    await runTick(deps, clock.at);
    await until(async () => (await count(deps.db, sql`select count(*)::int as n from alerts where person_id = ${person!}`)) === 1, 'the alert');
    const [alert] = await queryRows<{ reason: string; severity: string; status: string }>(deps.db, sql`select reason, severity, status from alerts where person_id = ${person!}`);
    expect(alert).toEqual({ reason: 'channel_lost', severity: 'amber', status: 'open' });
    expect((await outbound([person!]))[0]).toMatchObject({ status: 'failed', error_code: '21211' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(tw.requests.filter((r) => r.to === phone)).toHaveLength(1);
  });

  it('Twilio 429 on a call: the retried job places the call it recorded, once', async () => {
    const phone = uniquePhone();
    const [person] = await dueNow({ count: 1, channel: 'voice', phone });
    tw.failNext('calls', { status: 429, code: 20429, to: phone });
    // Last in the file: the voice queue also runs earlier tests' reminder chains (calls, SMS retries).
    deps.jobs.startWorkers(deps, { scheduler: false, queues: ['dispatch-voice'] });
    await runTick(deps, clock.at);
    const [session] = await sessionsOf(deps.db, [person!]);
    // Earlier tests' reminder chains use the voice queue too: look at this session's job only.
    const jobDone = async () => (await deps.jobs.queue('dispatch-voice').getJobs(['completed'])).some((j) => (j.data as { sessionIds?: string[] }).sessionIds?.includes(session!.id));
    await until(jobDone, 'the dispatch job to complete', 15_000);
    expect(tw.requests.filter((r) => r.kind === 'calls' && r.to === phone).map((r) => r.status)).toEqual([429, 201]);
    const [row] = await queryRows<{ status: string; n: number }>(deps.db, sql`select status, call_attempts as n from check_sessions where id = ${session!.id}`);
    expect(row).toEqual({ status: 'prompted', n: 1 });
  });
});
