import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, checkSessions, observations } from '../../../db/schema';
import { voiceDispatcher } from '../../../src/bot/voice/dispatcher';
import { systemActor, withTransaction } from '../../../src/domain/context';
import { createHousehold } from '../../../src/domain/households/household-verbs';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson } from '../../support/fixtures';
import { createTwilioApiMock } from '../../support/twilio-api-mock';
import { createPendingSession, parseTwiml, sid, spoken, twilioApp, twilioPost, TWILIO_ENV, type ParsedTwiml } from '../twilio/helpers';

/**
 * Issue 20: the household conversation on a call. The mother answers her own check, then
 * hears 「次は 花子さん（5歳）について伺います。」 and answers her daughter's — one session
 * each, the child's recorded as the child's with who answered; a convulsion is the child's
 * red alert. Twilio is the msw stand-in; every request is signed as Twilio signs.
 */
const twilioApi = createTwilioApiMock();
let deps: TestDeps;
let app: Awaited<ReturnType<typeof twilioApp>>;
const now = new Date('2026-03-10T01:00:00Z'); // 10:00 in Tokyo
const INTRO = '次は 花子さん（5歳）について伺います。';

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps(TWILIO_ENV, { now: () => now });
  app = await twilioApp(deps);
  await createCentre(deps.db, { code: '13-932' });
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});

async function step(url: string, params: Record<string, string>): Promise<{ twiml: ParsedTwiml; next: string | undefined; xml: string }> {
  const res = await twilioPost(app, url.replace(TWILIO_ENV.PUBLIC_BASE_URL, ''), params);
  expect(res.status).toBe(200);
  const xml = await res.text();
  const twiml = parseTwiml(xml);
  return { twiml, next: twiml.Response.Gather?.action, xml };
}

/** A mother on voice and her daughter (5), a household; the round's sessions as the tick makes them. */
async function motherAndDaughter(local: string) {
  const mother = await createPerson(deps.db, '13-932', { name: '見守 花江', phone: local, preferredChannel: 'voice' }, now);
  const child = await createPerson(deps.db, '13-932', { name: '見守 花子', dateOfBirth: '2020-12-01', preferredChannel: 'voice' }, now);
  await withTransaction(deps.db, { actor: systemActor('test'), now }, (ctx) => createHousehold({ ctx, input: { reporterPersonId: mother.id, reporterRelation: '母', members: [{ personId: child.id, relation: '子' }] } }));
  const own = await createPendingSession(deps, mother.id, 'voice', now);
  const childs = await createPendingSession(deps, child.id, 'voice', now);
  await deps.db.update(checkSessions).set({ source: 'household' }).where(eq(checkSessions.id, childs.id));
  return { mother, child, own, childs };
}

/** The keys a careful parent presses: no to every yes/no, except a seizure for the child. */
function keysFor(said: string, gather: Record<string, string>): string {
  if (said.includes('けいれん')) return '1';
  if (gather.numDigits === '1') return '2';
  return said.includes('体温') ? '366' : said.includes('酸素') ? '98#' : said.includes('脈') ? '72#' : '#';
}

describe('a household on a call', () => {
  it("the mother answers her own check, then her daughter's in the same call; the daughter's seizure is the daughter's red alert", async () => {
    const { mother, child, own, childs } = await motherAndDaughter('090-4932-0001');
    await voiceDispatcher.sendPrompts(deps, [own.id], 'prompt');
    const call = twilioApi.calls.at(-1)!;
    expect(call.to).toBe('+819049320001');
    const base = { CallSid: call.sid, From: TWILIO_ENV.TWILIO_FROM_NUMBER, To: call.to, Direction: 'outbound-api', AnsweredBy: 'human' };
    let { twiml, next, xml } = await step(call.url, base);
    let transition: { url: string; params: Record<string, string>; xml: string } | null = null;
    for (let i = 0; i < 60 && next; i++) {
      const said = spoken(twiml).join('');
      const params = { ...base, Digits: keysFor(said, twiml.Response.Gather!) };
      const url = next;
      ({ twiml, next, xml } = await step(url, params));
      if (!transition && spoken(twiml).includes(INTRO)) {
        transition = { url, params, xml };
        // From here the call gathers into the daughter's own session, the step number running on.
        expect(next).toMatch(new RegExp(`\\?s=${childs.id}&n=\\d+$`));
        expect(spoken(twiml).join('')).toContain('お子さんの体温');
      }
    }
    expect(transition).not.toBeNull();
    expect(spoken(twiml).at(-1)).toMatch(/失礼します/);

    const sessions = await deps.db.select().from(checkSessions).where(inArray(checkSessions.id, [own.id, childs.id]));
    expect(sessions.map((s) => [s.personId === mother.id ? 'mother' : 'child', s.status, s.answeredByPersonId]).sort()).toEqual([['child', 'completed', mother.id], ['mother', 'completed', null]]);
    const childObs = await deps.db.select().from(observations).where(eq(observations.personId, child.id));
    expect(childObs.length).toBeGreaterThan(3);
    expect(childObs.every((o) => o.answeredByPersonId === mother.id && o.sessionId === childs.id)).toBe(true);
    const raised = await deps.db.select().from(alerts).where(inArray(alerts.personId, [mother.id, child.id]));
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ personId: child.id, severity: 'red', sessionId: childs.id });

    // Twilio retrying the request of the turn between members hears the same words, gathering into the daughter's session.
    const again = await step(transition!.url, transition!.params);
    expect(again.xml).toBe(transition!.xml);
  }, 120_000);

  it('a mother calling in after her own check goes straight on to her daughter', async () => {
    const { mother, own, childs } = await motherAndDaughter('090-4932-0002');
    await deps.db.update(checkSessions).set({ status: 'completed', completedAt: now }).where(eq(checkSessions.id, own.id));
    const callSid = sid('CA');
    const first = await step('/webhooks/twilio/voice', { CallSid: callSid, From: '+819049320002', To: TWILIO_ENV.TWILIO_FROM_NUMBER, Direction: 'inbound' });
    expect(spoken(first.twiml)).toContain(INTRO);
    expect(first.next).toMatch(new RegExp(`\\?s=${childs.id}&n=1$`));
    const answered = await step(first.next!, { CallSid: callSid, From: '+819049320002', To: TWILIO_ENV.TWILIO_FROM_NUMBER, Direction: 'inbound', Digits: '371' });
    expect(answered.next).toMatch(new RegExp(`\\?s=${childs.id}&n=2$`));
    const [temp] = await deps.db.select().from(observations).where(eq(observations.sessionId, childs.id));
    expect(temp).toMatchObject({ answeredByPersonId: mother.id });
  }, 60_000);

  it('a reminder call to the mother names her daughter, whose check is still open', async () => {
    const { own } = await motherAndDaughter('090-4932-0003');
    await voiceDispatcher.sendPrompts(deps, [own.id], 'prompt');
    await deps.db.update(checkSessions).set({ remindersSent: 1 }).where(eq(checkSessions.id, own.id));
    await voiceDispatcher.sendPrompts(deps, [own.id], 'reminder');
    const call = twilioApi.calls.at(-1)!;
    const { twiml } = await step(call.url, { CallSid: call.sid, From: TWILIO_ENV.TWILIO_FROM_NUMBER, To: call.to, Direction: 'outbound-api', AnsweredBy: 'human' });
    expect(spoken(twiml)[0]).toBe('花子さんの健康観察がまだです。');
  }, 60_000);

  it('a first call names no one', async () => {
    const { own } = await motherAndDaughter('090-4932-0004');
    await voiceDispatcher.sendPrompts(deps, [own.id], 'prompt');
    const call = twilioApi.calls.at(-1)!;
    const { twiml } = await step(call.url, { CallSid: call.sid, From: TWILIO_ENV.TWILIO_FROM_NUMBER, To: call.to, Direction: 'outbound-api', AnsweredBy: 'human' });
    expect(spoken(twiml).join('')).not.toContain('まだです');
  }, 60_000);
});
