import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { alerts, checkSessions, observations } from '../../db/schema';
import type { TestDeps } from '../support/deps';
import { createPerson } from '../support/fixtures';
import { openWebCheck } from '../bot/web/helpers';
import { answerOnPage, answerToTheEnd, nonceOf, phoneContext, questionId, shot, startWebWorld, tabTo, waitForNextStep, type WebWorld } from './web-support';

/**
 * The patient's web check in Chromium on a small phone: a whole check with the mouse
 * (answering red), a whole check with the keyboard only, expired and reused links, and a
 * short check on one page. 200 % zoom, the accessibility check and a run without
 * JavaScript are in web-accessibility.test.ts. Screenshots go to test-output/screenshots/web-*.png.
 */
// A whole check is about 17 page loads; on a busy 2-core machine that can take half a minute.
const BROWSER_TEST_MS = 120_000;

describe('web check in a browser', () => {
  let world: WebWorld;
  let deps: TestDeps;
  let server: WebWorld['server'];
  let browser: Browser;
  let now = new Date('2026-11-24T01:00:00Z'); // 10:00 in Tokyo
  let personId: string;

  beforeAll(async () => {
    world = await startWebWorld('br-centre', () => now);
    ({ deps, server, browser } = world);
    ({ id: personId } = await createPerson(deps.db, 'br-centre', { hasOximeter: true, dateOfBirth: '1952-05-05', preferredChannel: 'web' }, now));
  });
  afterAll(async () => world?.close());

  const observationCount = async (sessionId: string) => (await deps.db.select().from(observations).where(eq(observations.sessionId, sessionId))).length;

  it('answers a whole check with the mouse, answers red, and the alert is raised', async () => {
    const { url, sessionId } = await openWebCheck(deps, personId);
    const context = await phoneContext(browser);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && /Content Security Policy|Refused/.test(m.text()) && errors.push(m.text()));
    page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && errors.push(`${r.status()} ${new URL(r.url()).pathname.slice(0, 12)}`));
    await page.goto(url.replace('http://localhost:3000', server.base));
    expect(await page.getAttribute('html', 'lang')).toBe('ja');
    expect(await page.getAttribute('#answer', 'inputmode')).toBe('decimal');
    await shot(page, 'web-01-first-question');
    const answers = { temperature: '37.9', spo2: '91', pulse: '96', comment: '息が少し苦しいです' };
    await answerOnPage(page, answers); // temperature
    await answerOnPage(page, answers); // spo2 91 → read back
    expect(await page.locator('h1').innerText()).toContain('91%で正しいですか');
    await shot(page, 'web-02-spo2-read-back');
    await answerOnPage(page, answers); // yes
    await expect.poll(() => page.locator('.urgent[role=alert]').count()).toBe(1);
    expect(await page.getAttribute('.urgent a.call', 'href')).toBe('tel:0352733000');
    await shot(page, 'web-03-urgent-advice');
    for (let i = 0; i < 30 && (await nonceOf(page)) !== null; i++) {
      if ((await questionId(page)) === 'urgent') await shot(page, 'web-04-urgent-checklist');
      await answerOnPage(page, answers);
    }
    expect(await page.locator('h1').innerText()).toBe('回答を受け付けました');
    await shot(page, 'web-05-done');
    const [session] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, sessionId));
    expect(session!.status).toBe('completed');
    const [alert] = await deps.db.select().from(alerts).where(eq(alerts.sessionId, sessionId));
    expect(alert).toMatchObject({ severity: 'red', status: 'open' });
    // The back button and a reload show the answered page; nothing is recorded again.
    const count = await observationCount(sessionId);
    await page.goBack();
    await page.reload();
    expect(await page.locator('h1').innerText()).toBe('回答を受け付けました');
    expect(await observationCount(sessionId)).toBe(count);
    expect(errors).toEqual([]); // the CSP blocked nothing and every asset loaded
    await context.close();
  }, BROWSER_TEST_MS);

  it('answers a whole check with the keyboard only (Tab, Space, Enter), focus on each new question', async () => {
    const { url, sessionId } = await openWebCheck(deps, personId);
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(url.replace('http://localhost:3000', server.base));
    const numbers: Record<string, string> = { temperature: '36.9', spo2: '97', pulse: '72' };
    let steps = 0;
    for (; steps < 30; steps++) {
      const before = await nonceOf(page);
      if (before === null) break;
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('question');
      const q = (await questionId(page))!;
      if (await page.locator('#answer[inputmode]').count()) {
        await tabTo(page, '#answer');
        await page.keyboard.type(numbers[q] ?? '');
        await page.keyboard.press('Enter');
      } else if (await page.locator('input[type=checkbox]').count()) {
        await tabTo(page, 'input[value="none"]');
        await page.keyboard.press('Space');
        await tabTo(page, 'button.primary');
        await page.keyboard.press('Enter');
      } else if (await page.locator('textarea').count()) {
        await tabTo(page, 'textarea');
        await page.keyboard.type('特にありません');
        await tabTo(page, 'button.primary');
        await page.keyboard.press('Enter');
      } else {
        await tabTo(page, 'button.choice-no');
        if (steps === 5) await shot(page, 'web-06-keyboard-focus');
        await page.keyboard.press(steps % 2 ? 'Space' : 'Enter');
      }
      await waitForNextStep(page, before);
    }
    expect(await page.locator('h1').innerText()).toBe('回答を受け付けました');
    // The symptom group is one page (checkboxes, 「どれもない」) and eight observations.
    expect(await observationCount(sessionId)).toBe(steps + 7);
    const [session] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, sessionId));
    expect(session!.status).toBe('completed');
    await context.close();
  }, BROWSER_TEST_MS);

  it('an expired link and a reused link explain what to do next', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    const expiring = await openWebCheck(deps, personId);
    const saved = now;
    now = new Date(expiring.expiresAt.getTime() + 60_000);
    try {
      const res = await page.goto(expiring.url.replace('http://localhost:3000', server.base));
      expect(res!.status()).toBe(410);
      expect(await page.locator('h1').innerText()).toBe('この健康観察は終了しました');
      expect(await page.locator('main').innerText()).toContain('03-5273-3000');
      await shot(page, 'web-07-expired-link');
    } finally {
      now = saved;
    }
    // Reused: the check answered to the end in this browser, then the link opened again
    // (from the SMS, in a new tab) — the answered page, and nothing more recorded.
    const used = await openWebCheck(deps, personId);
    const usedUrl = used.url.replace('http://localhost:3000', server.base);
    await page.goto(usedUrl);
    await answerToTheEnd(page, { temperature: '36.6', spo2: '98', pulse: '70' });
    expect(await page.locator('h1').innerText()).toBe('回答を受け付けました');
    const count = await observationCount(used.sessionId);
    const again = await context.newPage();
    await again.goto(usedUrl);
    expect(await again.locator('main').innerText()).toContain('このリンクはもう使えません');
    expect(await again.locator('form.check').count()).toBe(0);
    await shot(again, 'web-08-reused-link');
    expect(await observationCount(used.sessionId)).toBe(count);
    const [session] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, used.sessionId));
    expect(session!.status).toBe('completed');
    await context.close();
  }, BROWSER_TEST_MS);

  it('answers a short check on one page: every question at once, one tap on 送信する, recorded once', async () => {
    const { id: contact } = await createPerson(deps.db, 'br-centre', { classification: 'close_contact', preferredChannel: 'web' }, now);
    const { url, sessionId } = await openWebCheck(deps, contact);
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(url.replace('http://localhost:3000', server.base));
    const questions = page.locator('fieldset.one');
    expect(await questions.count()).toBe(3); // temperature, 息苦しさ, and the four symptoms as one checklist
    await shot(page, 'web-15-one-page-form');
    await page.fill('fieldset.one input[type=text]', '36.6');
    // Every yes/no/unknown question by its label, as a person taps it; 「どれもない」 for the group.
    for (const group of await page.locator('fieldset.one:has(input[type=radio])').all()) await group.locator('label:has(input[value="no"])').click();
    await page.locator('fieldset.one label:has(input[type=checkbox][value="none"])').click();
    await Promise.all([page.waitForURL(/\/c\//), page.locator('button.primary').click()]);
    expect(await page.locator('h1').innerText()).toBe('回答を受け付けました');
    expect(await observationCount(sessionId)).toBe(6);
    // The back button and the browser's "resubmit" record nothing more.
    await page.goBack();
    await page.reload();
    expect(await observationCount(sessionId)).toBe(6);
    const [session] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, sessionId));
    expect(session!.status).toBe('completed');
    await context.close();
  }, BROWSER_TEST_MS);
});
