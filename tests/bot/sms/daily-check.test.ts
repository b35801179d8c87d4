import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, checkSessions, observations, outboundMessages, personChannels } from '../../../db/schema';
import { smsDispatcher } from '../../../src/bot/sms/dispatcher';
import { countSmsSegments } from '../../../src/bot/sms/segments';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson } from '../../support/fixtures';
import { createTwilioApiMock } from '../../support/twilio-api-mock';
import { createPendingSession, runInboundJobs, sid, twilioApp, twilioPost, TWILIO_ENV } from '../twilio/helpers';

const twilioApi = createTwilioApiMock();
let deps: TestDeps;
let app: Awaited<ReturnType<typeof twilioApp>>;
const now = new Date('2026-03-10T01:00:00Z'); // 10:00 in Tokyo
const PHONE = '+819022220001';

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps(TWILIO_ENV, { now: () => now });
  app = await twilioApp(deps);
  await createCentre(deps.db, { code: '13-902', phone: '03-2222-3333' });
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});

/** What a patient would text back to the last question (Japanese, full-width, numbered). */
function answerFor(question: string, turn: number): string {
  if (question.includes('体温')) return '３７度５分';
  if (question.includes('SpO2')) return '96';
  if (question.includes('脈拍')) return '82';
  if (question.includes('症状の番号')) return 'なし';
  if (question.includes('次の症状は')) return turn % 2 === 0 ? '1' : 'どれもない'; // the symptom group
  if (question.includes('伝言')) return 'なし';
  return turn % 2 === 0 ? '2' : 'いいえ';
}

describe('a daily check by SMS', () => {
  it('sends the first prompt, takes Japanese and numbered answers through the engine and completes', async () => {
    const person = await createPerson(deps.db, '13-902', { phone: '090-2222-0001', preferredChannel: 'sms', hasOximeter: true }, now);
    const session = await createPendingSession(deps, person.id, 'sms', now);
    await smsDispatcher.sendPrompts(deps, [session.id], 'prompt');
    expect(twilioApi.messages).toHaveLength(1);
    const first = twilioApi.messages[0]!;
    expect(first).toMatchObject({ to: PHONE, from: TWILIO_ENV.TWILIO_FROM_NUMBER, statusCallback: 'https://mimamori.test/webhooks/twilio/status' });
    expect(first.body).toContain('体温');
    const [prompted] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, session.id));
    expect(prompted!.status).toBe('prompted');
    // A retried dispatch job sends nothing twice.
    await smsDispatcher.sendPrompts(deps, [session.id], 'prompt');
    expect(twilioApi.messages).toHaveLength(1);

    const answers: string[] = [];
    for (let turn = 0; turn < 30; turn++) {
      // A long numbered list continues in a second SMS ("10:…"): read the two together.
      const bodies = twilioApi.messages.map((m) => m.body);
      const last = /^\d+:/.test(bodies.at(-1)!) ? `${bodies.at(-2)}\n${bodies.at(-1)}` : bodies.at(-1)!;
      const [s] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, session.id));
      if (s!.status === 'completed') break;
      const answer = answerFor(last, turn);
      answers.push(answer);
      const res = await twilioPost(app, '/webhooks/twilio/sms', { MessageSid: sid('SM'), From: PHONE, To: TWILIO_ENV.TWILIO_FROM_NUMBER, Body: answer });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<Response/>');
      await runInboundJobs(deps);
    }
    const [done] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, session.id));
    expect(done!.status).toBe('completed');
    expect(twilioApi.messages.at(-1)!.body).toContain('ありがとう');

    const obs = await deps.db.select().from(observations).where(eq(observations.sessionId, session.id));
    const byId = Object.fromEntries(obs.map((o) => [o.questionId, o]));
    expect(byId.temperature).toMatchObject({ valueNumber: 37.5, raw: '３７度５分', channel: 'sms', status: 'answered' });
    expect(byId.spo2).toMatchObject({ valueNumber: 96 });
    expect(byId.cough!.value).toBe(false);
    // 「なし」 to the comment is no comment; every other question answered.
    expect(obs.filter((o) => o.questionId !== 'comment').every((o) => o.status === 'answered')).toBe(true);
    expect(byId.comment).toMatchObject({ status: 'unanswered', raw: 'なし' });

    // Numbered choices, every body one or two segments, and all of them recorded as sent.
    expect(twilioApi.messages.some((m) => m.body.includes('1:はい 2:いいえ 3:わからない'))).toBe(true);
    for (const m of twilioApi.messages) expect(countSmsSegments(m.body).segments).toBeLessThanOrEqual(2);
    const rows = await deps.db.select().from(outboundMessages).where(eq(outboundMessages.personId, person.id));
    expect(rows).toHaveLength(twilioApi.messages.length);
    expect(rows.every((r) => r.status === 'sending' && r.providerMessageId?.startsWith('SM'))).toBe(true);
    const [ch] = await deps.db.select().from(personChannels).where(and(eq(personChannels.personId, person.id), eq(personChannels.kind, 'sms')));
    expect(ch!.state).toBe('verified');
    // No phone number or answer in the logs.
    expect(deps.logs.text).not.toContain('9022220001');
    expect(await deps.db.select().from(alerts).where(eq(alerts.personId, person.id))).toHaveLength(0);
    expect(byId.urgent!.value).toEqual(['none']);
  });

  it('processes a duplicate delivery once', async () => {
    const person = await createPerson(deps.db, '13-902', { phone: '090-2222-0002', preferredChannel: 'sms' }, now);
    const session = await createPendingSession(deps, person.id, 'sms', now, '15:00');
    await smsDispatcher.sendPrompts(deps, [session.id], 'prompt');
    const before = twilioApi.messages.length;
    const p = { MessageSid: sid('SM'), From: '+819022220002', Body: '36.6' };
    await twilioPost(app, '/webhooks/twilio/sms', p);
    await runInboundJobs(deps);
    await twilioPost(app, '/webhooks/twilio/sms', p);
    await runInboundJobs(deps);
    expect(twilioApi.messages.length - before).toBe(1);
    const obs = await deps.db.select().from(observations).where(eq(observations.sessionId, session.id));
    expect(obs.map((o) => o.questionId)).toEqual(['temperature']);
  });

  it('re-asks an answer it cannot read, and records nothing for it', async () => {
    const person = await createPerson(deps.db, '13-902', { phone: '090-2222-0003', preferredChannel: 'sms' }, now);
    const session = await createPendingSession(deps, person.id, 'sms', now);
    await smsDispatcher.sendPrompts(deps, [session.id], 'prompt');
    await twilioPost(app, '/webhooks/twilio/sms', { MessageSid: sid('SM'), From: '+819022220003', Body: 'よくわからない' });
    await runInboundJobs(deps);
    expect(twilioApi.messages.at(-1)!.body).toContain('体温');
    expect(twilioApi.messages.at(-1)!.body).toContain('34〜42');
    expect(await deps.db.select().from(observations).where(eq(observations.sessionId, session.id))).toHaveLength(0);
  });
});
