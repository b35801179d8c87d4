import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { checkSessions, personChannels, persons } from '../../db/schema';
import { countSmsSegments } from '../../src/bot/sms/segments';
import { appSecret } from '../../src/config/env';
import { createWebLinkSigner } from '../../src/domain/web/link-token';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPerson } from '../support/fixtures';
import { createLineApiMock, LINE_TEST_BASE_URL } from '../support/line-api-mock';
import { createTwilioApiMock } from '../support/twilio-api-mock';
import { makeStaff, PASSWORD } from '../admin/support';
import { drained } from '../jobs/support/wait';
import { answerToTheEnd, launchChromium, phoneContext, questionId, shot, startServer } from './web-support';

/**
 * The web page as a person's main channel, end to end: a nurse chooses 「Web」 in the
 * console's person form; the round's tick creates the check and the dispatch-web job sends
 * the personal link by SMS (Twilio stand-in, msw) — or by LINE push for someone with only
 * LINE linked; the person opens the link on a phone and answers; whoever has not answered
 * by the reminder gets a reminder with the link. Only the providers' HTTP APIs are stand-ins.
 */
const PUBLIC = 'https://mimamori.example.jp';
const TWILIO_BASE = 'https://twilio-api.test';
const PROVIDERS = {
  PUBLIC_BASE_URL: PUBLIC,
  LINE_CHANNEL_SECRET: 'main-channel-secret',
  LINE_CHANNEL_ACCESS_TOKEN: 'main-channel-token',
  LINE_API_BASE_URL: LINE_TEST_BASE_URL,
  TWILIO_ACCOUNT_SID: `AC${'b'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'main-channel-twilio',
  TWILIO_FROM_NUMBER: '+815000000000',
  TWILIO_API_BASE_URL: TWILIO_BASE,
};
const ROUND = new Date('2026-11-24T00:00:00Z'); // 09:00 in Tokyo
const MIN = 60_000;
const LINE_USER = `U${'7'.repeat(32)}`;

describe('web as the main channel: console choice → round → link by SMS or LINE → answer → reminder', () => {
  let deps: TestDeps;
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  let clock = new Date(ROUND.getTime() - 10 * MIN);
  const line = createLineApiMock(LINE_TEST_BASE_URL);
  const twilio = createTwilioApiMock(TWILIO_BASE);
  let bySms: string;
  let byLine: string;

  beforeAll(async () => {
    line.server.use(...twilio.server.listHandlers());
    line.server.listen({ onUnhandledRequest: 'bypass' }); // the browser's and Redis' traffic passes
    deps = await createTestDeps({ ...PROVIDERS, WORKERS: 'off', REMINDER_AFTER_MINUTES: '30' }, { now: () => clock });
    await createCentre(deps.db, { code: 'mc-centre', phone: '03-5273-3000' });
    await makeStaff(deps, { email: 'nurse@mc-centre.example', role: 'nurse', jurisdictionCode: 'mc-centre' });
    ({ id: bySms } = await createPerson(deps.db, 'mc-centre', { name: 'ウェブ 花子', phone: '090-2222-0000', preferredChannel: 'line', hasOximeter: true }, clock));
    ({ id: byLine } = await createPerson(deps.db, 'mc-centre', { name: 'ライン 次郎', preferredChannel: 'web' }, clock));
    await deps.db.insert(personChannels).values({ personId: byLine, kind: 'line', address: LINE_USER, state: 'verified' });
    deps.jobs.startWorkers(deps, { queues: ['dispatch-web'], scheduler: false });
    server = await startServer(deps);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    line.server.close();
    await deps?.close();
  });

  const tickAt = async (at: Date) => {
    clock = at;
    const summary = await runTick(deps, at);
    await drained(deps.jobs, ['dispatch-web']);
    return summary;
  };
  /** The session a link in a text leads to (verified with the app's key), and the link itself. */
  const linkIn = async (text: string) => {
    const url = /https:\/\/mimamori\.example\.jp\/c\/[A-Za-z0-9_.-]+/.exec(text)?.[0];
    expect(url, text).toBeDefined();
    const verified = await createWebLinkSigner(appSecret(deps.env)).verify(url!.split('/c/')[1]!);
    return { url: url!.replace(PUBLIC, server.base), sessionId: verified.ok ? verified.sessionId : null };
  };
  const todaysSession = async (personId: string) => (await deps.db.select().from(checkSessions).where(eq(checkSessions.personId, personId)))[0];

  it('a nurse chooses 「Web」 in the person form', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
    const page = await context.newPage();
    await page.goto(`${server.base}/admin/login`);
    await page.fill('input[name=email]', 'nurse@mc-centre.example');
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL(`${server.base}/admin`), page.click('button[type=submit]')]);
    await page.goto(`${server.base}/admin/persons/${bySms}/edit`);
    const channel = page.locator('#person-form select[name=preferredChannel]');
    expect(await channel.locator('option:checked').innerText()).toBe('LINE');
    await channel.selectOption({ label: 'Web' });
    await Promise.all([page.waitForURL(new RegExp(`/admin/persons/${bySms}(\\?saved=1)?$`)), page.click('#person-form button[type=submit]')]);
    expect(await page.locator('dt:has-text("連絡手段") + dd').innerText()).toBe('Web');
    await shot(page, 'web-13-console-channel-web');
    const [person] = await deps.db.select().from(persons).where(eq(persons.id, bySms));
    expect(person!.preferredChannel).toBe('web');
    await context.close();
  }, 120_000);

  it('the round sends each one the link: by SMS (one or two segments) to the number, by LINE push to the linked account', async () => {
    const summary = await tickAt(ROUND);
    expect(summary.created).toBe(2);
    const smsSession = (await todaysSession(bySms))!;
    const lineSession = (await todaysSession(byLine))!;
    expect([smsSession.channel, lineSession.channel]).toEqual(['web', 'web']);

    expect(twilio.messages.map((m) => m.to)).toEqual(['+819022220000']);
    const sms = twilio.messages[0]!.body;
    expect(sms).toContain('今日の健康観察');
    expect(sms).not.toContain('花子');
    expect(countSmsSegments(sms).segments).toBeLessThanOrEqual(2);
    expect((await linkIn(sms)).sessionId).toBe(smsSession.id);

    const pushes = line.of('push');
    expect(pushes.map((p) => p.body.to)).toEqual([LINE_USER]);
    expect((await linkIn(pushes[0]!.body.messages[0].text as string)).sessionId).toBe(lineSession.id);
    expect(line.of('reply')).toHaveLength(0);
  });

  it('the link from the SMS opens the check on a phone, and it is answered there', async () => {
    const { url } = await linkIn(twilio.messages[0]!.body);
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(url);
    expect(await questionId(page)).toBe('temperature');
    await answerToTheEnd(page, { temperature: '36.7', spo2: '97', pulse: '72' });
    expect(await page.locator('h1').innerText()).toBe('回答を受け付けました');
    expect((await todaysSession(bySms))!.status).toBe('completed');
    await context.close();
  }, 120_000);

  it('at the reminder only the one who has not answered gets the link again, marked as a reminder', async () => {
    const summary = await tickAt(new Date(ROUND.getTime() + 31 * MIN));
    expect(summary.reminders).toBe(1);
    expect(twilio.messages).toHaveLength(1); // nothing more for the one who answered
    const pushes = line.of('push');
    expect(pushes).toHaveLength(2);
    const reminder = pushes[1]!;
    expect(reminder.body.to).toBe(LINE_USER);
    expect(reminder.retryKey).not.toBe(pushes[0]!.retryKey);
    const text = reminder.body.messages[0].text as string;
    expect(text).toContain('再送');
    const { url, sessionId } = await linkIn(text);
    expect(sessionId).toBe((await todaysSession(byLine))!.id);
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(url);
    expect(await questionId(page)).toBe('temperature');
    await context.close();
  }, 120_000);
});
