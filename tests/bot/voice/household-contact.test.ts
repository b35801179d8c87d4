import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, checkSessions, householdMembers, households, observations } from '../../../db/schema';
import { voiceDispatcher } from '../../../src/bot/voice/dispatcher';
import { webDispatcher } from '../../../src/bot/web/dispatcher';
import { withTransaction } from '../../../src/domain/context';
import { setHouseholdContact } from '../../../src/domain/households/household-contact';
import { ValidationError } from '../../../src/domain/errors';
import { runTick } from '../../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson, staffActor } from '../../support/fixtures';
import { createTwilioApiMock } from '../../support/twilio-api-mock';
import { parseTwiml, sid, spoken, twilioApp, twilioPost, TWILIO_ENV, type ParsedTwiml } from '../twilio/helpers';

/**
 * Issue 20: a household whose reporter is a contact who is not a person, on voice — a
 * grandmother answering for two grandchildren. The round is one call to her number asking
 * about each child in turn (one session each, recorded as the child's with her household);
 * a seizure is the right child's red alert; she can call in; a Nepali contact gets no call.
 */
const twilioApi = createTwilioApiMock();
let deps: TestDeps;
let app: Awaited<ReturnType<typeof twilioApp>>;
const now = new Date('2026-03-10T00:00:00Z'); // 09:00 in Tokyo
let centreId: string;

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps(TWILIO_ENV, { now: () => now });
  app = await twilioApp(deps);
  centreId = (await createCentre(deps.db, { code: '13-905' })).id;
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});

async function step(url: string, params: Record<string, string>): Promise<{ twiml: ParsedTwiml; next: string | undefined }> {
  const res = await twilioPost(app, url.replace(TWILIO_ENV.PUBLIC_BASE_URL, ''), params);
  expect(res.status).toBe(200);
  const twiml = parseTwiml(await res.text());
  return { twiml, next: twiml.Response.Gather?.action };
}

/** A grandmother (not registered) on voice, and two grandchildren; `lang` hers. */
async function grandmother(n: number, contact: string, lang = 'ja') {
  const hanako = await createPerson(deps.db, '13-905', { name: '見守 花子', dateOfBirth: '2020-12-01', preferredChannel: 'sms', phone: `090-2225-00${n}1`, roundTimes: ['09:00'] }, now);
  const taro = await createPerson(deps.db, '13-905', { name: '見守 太郎', dateOfBirth: '2018-05-01', preferredChannel: 'line', roundTimes: ['09:00'] }, now);
  const [h] = await deps.db
    .insert(households)
    .values({ responsibleCentreId: centreId, householdNumber: `V-${n}`, reporterPersonId: null, contactName: '見守 ウメ', contactRelation: '祖母', contactLanguage: lang, contactChannel: 'voice', contactAddress: contact })
    .returning();
  await deps.db.insert(householdMembers).values([
    { householdId: h!.id, personId: hanako.id, relation: '孫', position: 1 },
    { householdId: h!.id, personId: taro.id, relation: '孫', position: 2 },
  ]);
  return { household: h!, hanako, taro };
}

/** A careful grandmother: no to every yes/no, except 太郎's seizure once she is asked about him. */
function keysFor(said: string, gather: Record<string, string>, aboutTaro: boolean): string {
  if (said.includes('けいれん') && aboutTaro) return '1';
  if (gather.numDigits === '1') return '2';
  return said.includes('体温') ? '366' : said.includes('酸素') ? '98#' : said.includes('脈') ? '72#' : '#';
}

describe('a household whose reporter is a contact on voice', () => {
  it('one call to the grandmother asks about both grandchildren; 太郎’s seizure is 太郎’s red alert, answered by her household', async () => {
    const CONTACT = '+819022250001';
    const { household, hanako, taro } = await grandmother(1, CONTACT);
    await runTick(deps, now);
    const created = await deps.db.select().from(checkSessions).where(inArray(checkSessions.personId, [hanako.id, taro.id]));
    expect(created.map((s) => s.channel)).toEqual(['voice', 'voice']);
    const calls = twilioApi.calls.length;
    for (const s of created) await voiceDispatcher.sendPrompts(deps, [s.id], 'prompt');
    // One call, to her number (not a child's), carried by 花子's check; 太郎's rides along.
    expect(twilioApi.calls.length).toBe(calls + 1);
    const call = twilioApi.calls.at(-1)!;
    expect(call.to).toBe(CONTACT);
    const hanakos = created.find((s) => s.personId === hanako.id)!;
    const taros = created.find((s) => s.personId === taro.id)!;
    expect(call.url).toContain(`s=${hanakos.id}`);
    const [rider] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, taros.id));
    expect(rider).toMatchObject({ status: 'pending', source: 'household', nextActionAt: null });

    const base = { CallSid: call.sid, From: TWILIO_ENV.TWILIO_FROM_NUMBER, To: call.to, Direction: 'outbound-api', AnsweredBy: 'human' };
    let { twiml, next } = await step(call.url, base);
    expect(spoken(twiml)).toContain('次は 花子さん（5歳）について伺います。');
    let aboutTaro = false;
    for (let i = 0; i < 80 && next; i++) {
      const said = spoken(twiml).join('');
      ({ twiml, next } = await step(next, { ...base, Digits: keysFor(said, twiml.Response.Gather!, aboutTaro) }));
      if (spoken(twiml).includes('次は 太郎さん（7歳）について伺います。')) {
        aboutTaro = true;
        expect(next).toContain(`s=${taros.id}`);
      }
    }
    expect(aboutTaro).toBe(true);
    expect(spoken(twiml).at(-1)).toMatch(/失礼します/);

    const sessions = await deps.db.select().from(checkSessions).where(inArray(checkSessions.id, [hanakos.id, taros.id]));
    expect(sessions.map((s) => [s.personId === hanako.id ? 'hanako' : 'taro', s.status, s.answeredByHouseholdId, s.answeredByPersonId]).sort()).toEqual([
      ['hanako', 'completed', household.id, null],
      ['taro', 'completed', household.id, null],
    ]);
    const obs = await deps.db.select().from(observations).where(inArray(observations.sessionId, [hanakos.id, taros.id]));
    expect(obs.length).toBeGreaterThan(4);
    expect(obs.every((o) => o.answeredByHouseholdId === household.id && o.personId === (o.sessionId === taros.id ? taro.id : hanako.id))).toBe(true);
    const raised = await deps.db.select().from(alerts).where(inArray(alerts.personId, [hanako.id, taro.id]));
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ personId: taro.id, severity: 'red', sessionId: taros.id });
    expect(twilioApi.calls.some((c) => c.to === '+819022250011')).toBe(false); // never a child's own number
  }, 180_000);

  it('the grandmother calling in is recognised and asked about the first grandchild still open; a reminder call names who is open', async () => {
    const CONTACT = '+819022250002';
    const { household, hanako, taro } = await grandmother(2, CONTACT);
    await runTick(deps, now);
    const created = await deps.db.select().from(checkSessions).where(inArray(checkSessions.personId, [hanako.id, taro.id]));
    for (const s of created) await voiceDispatcher.sendPrompts(deps, [s.id], 'prompt');
    const hanakos = created.find((s) => s.personId === hanako.id)!;
    const taros = created.find((s) => s.personId === taro.id)!;
    // 花子 answered already (another call); 太郎 is the one open.
    await deps.db.update(checkSessions).set({ status: 'completed', completedAt: now, nextActionAt: null, answeredByHouseholdId: household.id }).where(eq(checkSessions.id, hanakos.id));

    const callSid = sid('CA');
    const inbound = { CallSid: callSid, From: CONTACT, To: TWILIO_ENV.TWILIO_FROM_NUMBER, Direction: 'inbound' };
    const first = await step('/webhooks/twilio/voice', inbound);
    expect(spoken(first.twiml)).toContain('次は 太郎さん（7歳）について伺います。');
    expect(spoken(first.twiml).join('')).not.toContain('登録されていません');
    expect(first.next).toMatch(new RegExp(`\\?s=${taros.id}&n=1$`));
    const answered = await step(first.next!, { ...inbound, Digits: '371' });
    expect(answered.next).toMatch(new RegExp(`\\?s=${taros.id}&n=2$`));
    const [temp] = await deps.db.select().from(observations).where(eq(observations.sessionId, taros.id));
    expect(temp).toMatchObject({ personId: taro.id, answeredByHouseholdId: household.id, answeredByPersonId: null });

    // The reminder call (太郎's check carries the chain now) goes to her number and names 太郎 only.
    await deps.db.update(checkSessions).set({ remindersSent: 1, nextActionAt: now }).where(eq(checkSessions.id, taros.id));
    await voiceDispatcher.sendPrompts(deps, [taros.id], 'reminder');
    const call = twilioApi.calls.at(-1)!;
    expect(call.to).toBe(CONTACT);
    const { twiml } = await step(call.url, { CallSid: call.sid, From: TWILIO_ENV.TWILIO_FROM_NUMBER, To: CONTACT, Direction: 'outbound-api', AnsweredBy: 'human' });
    expect(spoken(twiml)[0]).toBe('太郎さんの健康観察がまだです。');
  }, 120_000);

  it('a Nepali contact is refused voice with a Japanese message suggesting SMS; one stored on voice gets the web link instead of a call', async () => {
    const CONTACT = '+819022250003';
    const { household, hanako, taro } = await grandmother(3, CONTACT, 'ne');
    const admin = staffActor('centre_admin', { jurisdictionId: centreId });
    const refused = await withTransaction(deps.db, { actor: admin, now }, (ctx) =>
      setHouseholdContact({ ctx, input: { householdId: household.id, contact: { name: 'ビシュヌ', language: 'ne', channel: 'voice', address: '090-2225-0003' } } }),
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect(JSON.stringify((refused as ValidationError).fields)).toContain('この言語の自動音声はありません。SMS か Web を選んでください');
    const accepted = await withTransaction(deps.db, { actor: admin, now }, (ctx) =>
      setHouseholdContact({ ctx, input: { householdId: household.id, contact: { name: 'ビシュヌ', language: 'ne', channel: 'sms', address: '090-2225-0003' } } }),
    );
    expect(accepted.contact).toMatchObject({ channel: 'sms', language: 'ne' });

    // A contact stored on voice before (the import of an older file): her round is the web link, never a call.
    await deps.db.update(households).set({ contactChannel: 'voice' }).where(eq(households.id, household.id));
    await runTick(deps, now);
    const created = await deps.db.select().from(checkSessions).where(inArray(checkSessions.personId, [hanako.id, taro.id]));
    expect(created.map((s) => s.channel)).toEqual(['web', 'web']);
    const calls = twilioApi.calls.length;
    for (const s of created) await webDispatcher.sendPrompts(deps, [s.id], 'prompt');
    expect(twilioApi.calls.length).toBe(calls);
    const links = twilioApi.messages.filter((m) => m.to === CONTACT);
    expect(links).toHaveLength(1); // one link, the first grandchild's: the page leads on to the other
    expect(links[0]!.body).toMatch(/\/c\/[A-Za-z0-9_-]+/);
    expect(twilioApi.messages.some((m) => m.to === '+819022250031')).toBe(false);
  }, 60_000);
});
