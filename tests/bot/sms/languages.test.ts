import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, checkSessions, observations, persons } from '../../../db/schema';
import { smsDispatcher } from '../../../src/bot/sms/dispatcher';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson } from '../../support/fixtures';
import { createTwilioApiMock } from '../../support/twilio-api-mock';
import { createPendingSession, runInboundJobs, sid, twilioApp, twilioPost, TWILIO_ENV } from '../twilio/helpers';

const twilioApi = createTwilioApiMock();
let deps: TestDeps;
let app: Awaited<ReturnType<typeof twilioApp>>;
const now = new Date('2026-03-10T01:00:00Z'); // 10:00 in Tokyo, a Tuesday: the centre is open
const PHONE = '+819022230001';

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps(TWILIO_ENV, { now: () => now });
  app = await twilioApp(deps);
  await createCentre(deps.db, { code: '13-923', phone: '03-2222-4444' });
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});

const send = async (body: string) => {
  const res = await twilioPost(app, '/webhooks/twilio/sms', { MessageSid: sid('SM'), From: PHONE, To: TWILIO_ENV.TWILIO_FROM_NUMBER, Body: body });
  expect(res.status).toBe(200);
  await runInboundJobs(deps);
};

describe('a Vietnamese patient by SMS', () => {
  it('is asked in Vietnamese, answers 「37,8」 and 「có」, and the red answer raises the alert and the advice in Vietnamese', async () => {
    const person = await createPerson(deps.db, '13-923', { phone: '090-2223-0001', preferredChannel: 'sms', preferredLanguage: 'vi', hasOximeter: false }, now);
    const session = await createPendingSession(deps, person.id, 'sms', now);
    await smsDispatcher.sendPrompts(deps, [session.id], 'prompt');
    expect(twilioApi.messages[0]!.body).toContain('Nhiet do hom nay?');
    expect(twilioApi.messages[0]!.body).not.toMatch(/[ぁ-んァ-ヶ]/); // no kana for a Vietnamese reader

    for (let turn = 0; turn < 30; turn++) {
      const [s] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, session.id));
      if (s!.status === 'completed') break;
      const last = twilioApi.messages.at(-1)!.body;
      await send(last.includes('Nhiet do') ? '37,8' : last.includes('Kho tho?') ? 'có' : 'không');
    }
    const [done] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, session.id));
    expect(done!.status).toBe('completed');

    const obs = await deps.db.select().from(observations).where(eq(observations.sessionId, session.id));
    const byId = Object.fromEntries(obs.map((o) => [o.questionId, o]));
    expect(byId.temperature).toMatchObject({ valueNumber: 37.8, raw: '37,8', status: 'answered' });
    expect(byId.breathless).toMatchObject({ value: true, raw: 'có' });
    expect(byId.face).toMatchObject({ value: false, raw: 'không' });
    expect(byId.comment).toMatchObject({ status: 'unanswered' }); // 「không」 to the comment: nothing to say

    const [alert] = await deps.db.select().from(alerts).where(eq(alerts.personId, person.id));
    expect(alert).toMatchObject({ severity: 'red' });
    const bodies = twilioApi.messages.map((m) => m.body).join('\n');
    expect(bodies).toMatch(/Bạn cần được giúp đỡ khẩn cấp\. Hãy gọi ngay .* số 03-2222-4444\. Nếu không ai nghe, hãy gọi 119\./);
    expect(bodies).not.toMatch(/[ぁ-んァ-ヶ]/);
  });

  it('changes their language with 「言語」 and a number, and is answered in the new one', async () => {
    const person = await createPerson(deps.db, '13-923', { phone: '090-2223-0002', preferredChannel: 'sms', preferredLanguage: 'ja' }, now);
    const from = '+819022230002';
    const post = async (body: string) => {
      await twilioPost(app, '/webhooks/twilio/sms', { MessageSid: sid('SM'), From: from, To: TWILIO_ENV.TWILIO_FROM_NUMBER, Body: body });
      await runInboundJobs(deps);
    };
    await post('言語');
    expect(twilioApi.messages.at(-1)!.body).toContain('6 Tiếng Việt');
    await post('言語 7');
    const [p] = await deps.db.select({ lang: persons.preferredLanguage }).from(persons).where(eq(persons.id, person.id));
    expect(p!.lang).toBe('pt-BR');
    expect(twilioApi.messages.at(-1)!.body).toContain('Português (Brasil)');
  });
});
