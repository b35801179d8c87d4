import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, checkSessions, householdMembers, households, observations } from '../../../db/schema';
import { webDispatcher } from '../../../src/bot/web/dispatcher';
import { runTick } from '../../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson } from '../../support/fixtures';
import { createTwilioApiMock } from '../../support/twilio-api-mock';
import { TWILIO_ENV } from '../twilio/helpers';
import { answerAll, getPage, webApp } from './helpers';

/**
 * Issue 20: a household whose reporter is a contact who is not a person, on the web check.
 * The round's link goes by SMS to her number — the first child's check — and the page
 * leads her on to the next child (`?m=<k>`, a position only), each answered into the
 * child's own session with her household; a seizure is the right child's red alert.
 */
const twilioApi = createTwilioApiMock();
let deps: TestDeps;
const now = new Date('2026-03-10T00:00:00Z'); // 09:00 in Tokyo
let centreId: string;
let app: ReturnType<typeof webApp>;

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps(TWILIO_ENV, { now: () => now });
  app = webApp(deps);
  centreId = (await createCentre(deps.db, { code: '13-906', phone: '03-5273-3100' })).id;
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});

describe('a household whose reporter is a contact on the web check', () => {
  it('her link (by SMS) is 花子’s check; the thank-you page leads to 太郎’s; 太郎’s seizure is 太郎’s alert, answered by her household', async () => {
    const CONTACT = '+819022260001';
    const hanako = await createPerson(deps.db, '13-906', { name: '見守 花子', dateOfBirth: '2020-12-01', preferredChannel: 'sms', phone: '090-2226-0011', roundTimes: ['09:00'] }, now);
    const taro = await createPerson(deps.db, '13-906', { name: '見守 太郎', dateOfBirth: '2018-05-01', preferredChannel: 'voice', roundTimes: ['09:00'] }, now);
    const [h] = await deps.db
      .insert(households)
      .values({ responsibleCentreId: centreId, householdNumber: 'W-1', reporterPersonId: null, contactName: '見守 花江', contactRelation: '母', contactLanguage: 'ja', contactChannel: 'web', contactAddress: CONTACT })
      .returning();
    await deps.db.insert(householdMembers).values([
      { householdId: h!.id, personId: hanako.id, relation: '子', position: 1 },
      { householdId: h!.id, personId: taro.id, relation: '子', position: 2 },
    ]);
    await runTick(deps, now);
    const created = await deps.db.select().from(checkSessions).where(inArray(checkSessions.personId, [hanako.id, taro.id]));
    expect(created.map((s) => s.channel)).toEqual(['web', 'web']);
    for (const s of created) await webDispatcher.sendPrompts(deps, [s.id], 'prompt');
    const sms = twilioApi.messages.filter((m) => m.to === CONTACT);
    expect(sms).toHaveLength(1);
    expect(twilioApi.messages.some((m) => m.to === '+819022260011')).toBe(false); // not the child's own number
    expect(sms[0]!.body).not.toMatch(/花子|太郎/); // the link carries no name
    const path = new URL(/https?:\/\/\S+/.exec(sms[0]!.body)![0]).pathname;
    const hanakos = created.find((s) => s.personId === hanako.id)!;
    const taros = created.find((s) => s.personId === taro.id)!;

    await answerAll(app, path);
    let page = await getPage(app, path);
    expect(page.html).toContain('回答を受け付けました');
    expect(page.html).toContain(`id="household-next" class="primary" href="${path}?m=1&amp;lang=ja"`);
    expect(page.html).toContain('次へ：太郎さん');
    // Her page speaks her language, not the child's: switched to Vietnamese, the way on keeps it.
    await deps.db.update(households).set({ contactLanguage: 'vi' }).where(eq(households.id, h!.id));
    expect((await getPage(app, path)).html).toContain(`href="${path}?m=1&amp;lang=vi"`);
    await deps.db.update(households).set({ contactLanguage: 'ja' }).where(eq(households.id, h!.id));

    const taroPath = `${path}?m=1`;
    page = await getPage(app, taroPath);
    expect(page.html).toContain('次は 太郎さん（7歳）について伺います。');
    await answerAll(app, taroPath, { convulsion: ['yes'] });
    page = await getPage(app, taroPath);
    expect(page.html).toContain('ご家族全員分のご回答ありがとうございました。');

    const sessions = await deps.db.select().from(checkSessions).where(inArray(checkSessions.id, [hanakos.id, taros.id]));
    expect(sessions.map((s) => [s.personId === hanako.id ? 'hanako' : 'taro', s.status, s.answeredByHouseholdId, s.answeredByPersonId]).sort()).toEqual([
      ['hanako', 'completed', h!.id, null],
      ['taro', 'completed', h!.id, null],
    ]);
    const obs = await deps.db.select().from(observations).where(eq(observations.sessionId, taros.id));
    expect(obs.length).toBeGreaterThan(2);
    expect(obs.every((o) => o.personId === taro.id && o.answeredByHouseholdId === h!.id)).toBe(true);
    const raised = await deps.db.select().from(alerts).where(inArray(alerts.personId, [hanako.id, taro.id]));
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ personId: taro.id, severity: 'red', sessionId: taros.id });

    // Only while her link is good: an expired link reaches no member.
    const later = new Date(now.getTime() + 2 * 24 * 3600_000);
    const res = await webApp({ ...deps, now: () => later } as TestDeps).request(taroPath);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(path);
  }, 120_000);
});
