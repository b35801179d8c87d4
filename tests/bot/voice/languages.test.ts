import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSessions, observations, outboundMessages } from '../../../db/schema';
import { voiceDispatcher } from '../../../src/bot/voice/dispatcher';
import { webDispatcher } from '../../../src/bot/web/dispatcher';
import { createDueSessions } from '../../../src/domain/rounds/create-due-sessions';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson } from '../../support/fixtures';
import { createTwilioApiMock } from '../../support/twilio-api-mock';
import { createPendingSession, parseTwiml, spoken, twilioApp, twilioPost, TWILIO_ENV } from '../twilio/helpers';

const twilioApi = createTwilioApiMock();
let deps: TestDeps;
let app: Awaited<ReturnType<typeof twilioApp>>;
const clock = new Date('2026-03-10T01:00:00Z'); // 10:00 in Tokyo, a Tuesday

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps(TWILIO_ENV, { now: () => clock });
  app = await twilioApp(deps);
  await createCentre(deps.db, { code: '13-924', phone: '03-4444-6666' });
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});

async function step(url: string, params: Record<string, string>) {
  const res = await twilioPost(app, url.replace(TWILIO_ENV.PUBLIC_BASE_URL, ''), params);
  expect(res.status).toBe(200);
  const twiml = parseTwiml(await res.text());
  return { twiml, next: twiml.Response.Gather?.action };
}

describe('voice in the person’s language', () => {
  it('runs a Brazilian patient’s call in Portuguese: Polly.Camila, pt-BR, Portuguese words and keys', async () => {
    const person = await createPerson(deps.db, '13-924', { phone: '090-4446-0001', preferredChannel: 'voice', preferredLanguage: 'pt-BR', hasOximeter: false }, clock);
    const session = await createPendingSession(deps, person.id, 'voice', clock);
    await voiceDispatcher.sendPrompts(deps, [session.id], 'prompt');
    const call = twilioApi.calls.at(-1)!;
    const base = { CallSid: call.sid, From: TWILIO_ENV.TWILIO_FROM_NUMBER, To: '+819044460001', Direction: 'outbound-api', AnsweredBy: 'human' };

    let { twiml, next } = await step(call.url, base);
    const says = [...(twiml.Response.Say ?? []), ...(twiml.Response.Gather?.Say ?? [])];
    expect(says.length).toBeGreaterThan(0);
    for (const s of says) expect(s).toMatchObject({ voice: 'Polly.Camila', language: 'pt-BR' });
    expect(twiml.Response.Gather?.language).toBe('pt-BR');
    expect(spoken(twiml).join(' ')).toContain('Esta é a ligação automática de acompanhamento de saúde');
    expect(spoken(twiml).join(' ')).toContain('Digite sua temperatura com três números');

    ({ twiml, next } = await step(next!, { ...base, Digits: '378' })); // ≥ 37.5 on the phone: read back
    expect(spoken(twiml).join(' ')).toMatch(/37[.,]8/);
    expect(spoken(twiml).join(' ')).toMatch(/tecle 1/);
    ({ twiml, next } = await step(next!, { ...base, Digits: '1' }));
    // The first yes/no question with its keypad guide, in Portuguese.
    const words = spoken(twiml).join(' ');
    expect(words).toContain('Seu rosto está diferente do normal?');
    expect(words).toContain('Para Sim, tecle 1.');
    expect(words).not.toMatch(/[ぁ-んァ-ヶ]/);

    const [t] = await deps.db.select().from(observations).where(and(eq(observations.sessionId, session.id), eq(observations.questionId, 'temperature')));
    expect(t).toMatchObject({ valueNumber: 37.8, channel: 'voice' });
  });

  it('offers a Nepali person on voice the web check by SMS instead of a call, in Nepali', async () => {
    const person = await createPerson(deps.db, '13-924', { phone: '090-4446-0002', preferredChannel: 'voice', preferredLanguage: 'ne' }, clock);
    const callsBefore = twilioApi.calls.length;
    const created = await createDueSessions(deps.db, { now: clock, quiet: { start: '21:00', end: '08:00' }, resweepMs: 300_000 });
    const mine = await deps.db.select().from(checkSessions).where(eq(checkSessions.personId, person.id));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.channel).toBe('web');
    expect(created.find((c) => c.id === mine[0]!.id)?.channel).toBe('web');

    await webDispatcher.sendPrompts(deps, [mine[0]!.id], 'prompt');
    expect(twilioApi.calls.length).toBe(callsBefore); // no call in a language Twilio cannot speak
    const sms = twilioApi.messages.at(-1)!;
    expect(sms.to).toBe('+819044460002');
    expect(sms.body).toContain('आजको स्वास्थ्य जाँच');
    expect(sms.body).toContain('https://mimamori.test/c/');
    const [row] = await deps.db.select().from(outboundMessages).where(eq(outboundMessages.sessionId, mine[0]!.id));
    expect(row).toMatchObject({ channel: 'sms', kind: 'web_link_prompt' });
  });
});
