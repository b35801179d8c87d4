import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, checkSessions } from '../../../db/schema';
import { smsDispatcher } from '../../../src/bot/sms/dispatcher';
import { systemActor, withTransaction } from '../../../src/domain/context';
import { createHousehold } from '../../../src/domain/households/household-verbs';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson } from '../../support/fixtures';
import { createTwilioApiMock } from '../../support/twilio-api-mock';
import { createPendingSession, runInboundJobs, sid, twilioApp, twilioPost, TWILIO_ENV } from '../twilio/helpers';

const twilioApi = createTwilioApiMock();
let deps: TestDeps;
let app: Awaited<ReturnType<typeof twilioApp>>;
const now = new Date('2026-03-10T01:00:00Z'); // 10:00 in Tokyo
const PHONE = '+819022230001';

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps(TWILIO_ENV, { now: () => now });
  app = await twilioApp(deps);
  await createCentre(deps.db, { code: '13-903' });
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});

describe('a household by SMS', () => {
  it("a mother answers her own check, then her child's in the same SMS conversation; the child's red answer is the child's alert", async () => {
    const mother = await createPerson(deps.db, '13-903', { name: '見守 花江', phone: '090-2223-0001', preferredChannel: 'sms' }, now);
    const child = await createPerson(deps.db, '13-903', { name: '見守 花子', dateOfBirth: '2020-12-01', preferredChannel: 'sms' }, now);
    await withTransaction(deps.db, { actor: systemActor('test'), now }, (ctx) => createHousehold({ ctx, input: { reporterPersonId: mother.id, reporterRelation: '母', members: [{ personId: child.id, relation: '子' }] } }));
    const own = await createPendingSession(deps, mother.id, 'sms', now);
    const childs = await createPendingSession(deps, child.id, 'sms', now);
    await deps.db.update(checkSessions).set({ source: 'household' }).where(eq(checkSessions.id, childs.id));
    await smsDispatcher.sendPrompts(deps, [own.id], 'prompt');

    let sawNext = false;
    for (let turn = 0; turn < 40; turn++) {
      const [c] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, childs.id));
      if (c!.status === 'completed') break;
      const last = twilioApi.messages.at(-1)!.body;
      if (last.includes('次は 花子さん（5歳）について伺います')) sawNext = true;
      const answer = last.includes('体温') ? (sawNext ? '38.3' : '36.6') : last.includes('症状の番号') || last.includes('伝言') ? 'なし' : last.includes('次の症状は') ? 'どれもない' : last.includes('けいれん') ? 'はい' : 'いいえ';
      expect((await twilioPost(app, '/webhooks/twilio/sms', { MessageSid: sid('SM'), From: PHONE, To: TWILIO_ENV.TWILIO_FROM_NUMBER, Body: answer })).status).toBe(200);
      await runInboundJobs(deps);
    }
    const bodies = twilioApi.messages.map((m) => m.body).join('\n');
    expect(bodies).toContain('次は 花子さん（5歳）について伺います。');
    const sessions = await deps.db.select().from(checkSessions).where(inArray(checkSessions.id, [own.id, childs.id]));
    expect(sessions.map((s) => [s.personId === mother.id ? 'mother' : 'child', s.status, s.answeredByPersonId]).sort()).toEqual([['child', 'completed', mother.id], ['mother', 'completed', null]]);
    const raised = await deps.db.select().from(alerts).where(inArray(alerts.personId, [mother.id, child.id]));
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ personId: child.id, severity: 'red', sessionId: childs.id });
  }, 120_000); // some twenty webhook round trips
});
