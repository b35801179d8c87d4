import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSessions, personChannels } from '../../db/schema';
import { TransientSendError } from '../../src/bot/dispatch';
import { withTransaction } from '../../src/domain/context';
import { sendCheckNow } from '../../src/domain/persons/send-check-now';
import { runDispatch } from '../../src/jobs/dispatch';
import { runTick } from '../../src/jobs/tick';
import { TWILIO_ENV } from '../bot/twilio/helpers';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPerson, staffActor } from '../support/fixtures';
import { createLineApiMock, LINE_TEST_BASE_URL } from '../support/line-api-mock';
import { createTwilioApiMock } from '../support/twilio-api-mock';
import { drained } from './support/wait';

// The console's 「今すぐ送信」: a session outside the schedule, dispatched by its own job —
// and, like a scheduled one, by the tick's sweeper when that job never ran; never by SMS or
// call in quiet hours.
const line = createLineApiMock();
const twilioApi = createTwilioApiMock();
const QUEUES = ['dispatch-sms', 'dispatch-line', 'dispatch-web', 'dispatch-voice'] as const;
let deps: TestDeps;
let clock = new Date('2026-04-01T01:00:00Z'); // 10:00 in Tokyo
let nurse: ReturnType<typeof staffActor>;

beforeAll(async () => {
  line.server.use(...twilioApi.server.listHandlers());
  line.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps({ ...TWILIO_ENV, LINE_CHANNEL_SECRET: 'test-secret', LINE_CHANNEL_ACCESS_TOKEN: 'test-token', LINE_API_BASE_URL: LINE_TEST_BASE_URL }, { now: () => clock });
  const centre = await createCentre(deps.db, { code: '13-931', phone: '03-9310-0000' });
  nurse = staffActor('nurse', { jurisdictionId: centre.id, jurisdictionPath: centre.path });
  deps.jobs.startWorkers(deps, { scheduler: false, queues: [...QUEUES] });
});
afterAll(async () => {
  line.server.close();
  await deps?.close();
});

const jst = (t: string) => new Date(`${t.replace(' ', 'T')}:00+09:00`);
const sendNow = (personId: string, channel?: string) => withTransaction(deps.db, { actor: nurse, now: clock }, (ctx) => sendCheckNow({ ctx, input: { personId, channel } }));
const session = async (id: string) => (await deps.db.select().from(checkSessions).where(eq(checkSessions.id, id)))[0]!;
async function tickAt(t: string) {
  clock = jst(t);
  const summary = await runTick(deps, clock);
  await drained(deps.jobs, QUEUES);
  return summary;
}

describe('send check now', () => {
  it('is swept and sent by the tick when its dispatch job never ran (Redis refused it)', async () => {
    clock = jst('2026-04-01 10:00');
    const person = await createPerson(deps.db, '13-931', { phone: '090-9310-0001', preferredChannel: 'sms', roundTimes: ['20:00'] }, jst('2026-04-01 08:00'));
    const { sessionId, channel } = await sendNow(person.id);
    expect(channel).toBe('sms');
    // No job enqueued. The next tick leaves it alone (the job may just be slow) …
    expect((await tickAt('2026-04-01 10:01')).resent).toBe(0);
    expect(twilioApi.messages.filter((m) => m.to === '+819093100001')).toHaveLength(0);
    // … and once the lease has passed, the sweeper dispatches it like a scheduled session.
    expect((await tickAt('2026-04-01 10:06')).resent).toBe(1);
    const sent = twilioApi.messages.filter((m) => m.to === '+819093100001');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toContain('体温'); // the check's opening, begun by the SMS dispatcher
    expect((await session(sessionId)).status).toBe('prompted');
    expect((await tickAt('2026-04-01 10:12')).resent).toBe(0);
  });

  it('by SMS at 23:00 sends nothing until 08:00', async () => {
    clock = jst('2026-04-02 23:00');
    const to = '+819093100002';
    const person = await createPerson(deps.db, '13-931', { phone: '090-9310-0002', preferredChannel: 'sms', roundTimes: ['09:00'] }, jst('2026-04-02 08:00'));
    const { sessionId } = await sendNow(person.id);
    // The console enqueues the dispatch job at once; it runs now.
    const err = await runDispatch(deps, 'sms', [sessionId], 'prompt').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientSendError);
    expect((err as TransientSendError).retryAfterMs).toBe(jst('2026-04-03 08:00').getTime() - clock.getTime());
    expect(twilioApi.messages.filter((m) => m.to === to)).toHaveLength(0);
    expect(await session(sessionId)).toMatchObject({ status: 'pending', nextActionAt: jst('2026-04-03 08:00') });
    await tickAt('2026-04-02 23:30');
    await tickAt('2026-04-03 07:59');
    expect(twilioApi.messages.filter((m) => m.to === to)).toHaveLength(0);
    await tickAt('2026-04-03 08:00');
    const sent = twilioApi.messages.filter((m) => m.to === to);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toContain('体温');
  });

  it('reaches a web-channel person with only LINE linked (no phone): the link goes by LINE', async () => {
    clock = jst('2026-04-04 10:00');
    const person = await createPerson(deps.db, '13-931', { preferredChannel: 'web', roundTimes: ['09:00'] }, clock);
    await deps.db.insert(personChannels).values({ personId: person.id, kind: 'line', address: `U${'7'.repeat(32)}`, state: 'verified', verifiedAt: clock });
    const { sessionId, channel } = await sendNow(person.id);
    expect(channel).toBe('web');
    await runDispatch(deps, 'web', [sessionId], 'prompt');
    const pushes = line.calls.filter((c) => c.endpoint === 'push' && JSON.stringify(c.body).includes(`U${'7'.repeat(32)}`));
    expect(pushes).toHaveLength(1);
    expect(JSON.stringify(pushes[0]!.body)).toContain('/c/');
  });

  it('refuses a web-channel person with neither a usable number nor LINE', async () => {
    const person = await createPerson(deps.db, '13-931', { preferredChannel: 'web', roundTimes: ['09:00'] }, clock);
    await expect(sendNow(person.id)).rejects.toMatchObject({ name: 'ConflictError' });
  });
});
