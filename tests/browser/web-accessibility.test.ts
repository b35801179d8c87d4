import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { checkSessions, observations } from '../../db/schema';
import type { TestDeps } from '../support/deps';
import { createPerson } from '../support/fixtures';
import { openWebCheck } from '../bot/web/helpers';
import { accessibilityProblems, horizontalOverflow, pageType } from './web-a11y';
import { answerOnPage, answerToTheEnd, nonceOf, phoneContext, questionId, shot, startWebWorld, type WebWorld } from './web-support';

/**
 * The patient's pages for people who use a screen reader, zoom in, or whose phone runs no
 * JavaScript: every page type passes the automated accessibility check (web-a11y.ts) and
 * reflows at 200 % zoom without sideways scrolling; a whole check can be answered with
 * JavaScript disabled. Screenshots of the zoomed pages: test-output/screenshots/web-2x-*.png.
 */
const BROWSER_TEST_MS = 180_000;
const ALL_TYPES = ['number', 'read-back', 'urgent advice', 'choice', 'checklist', 'comment', 'done', 'one-page form', 'expired', 'invalid link', 'english', 'ja-easy'];

describe('web check accessibility', () => {
  let world: Awaited<ReturnType<typeof startWebWorld>>;
  let deps: TestDeps;
  let server: WebWorld['server'];
  let browser: Browser;
  let now = new Date('2026-11-24T01:00:00Z'); // 10:00 in Tokyo
  let patient: string;
  let contact: string;
  const local = (url: string) => world.local(url);

  beforeAll(async () => {
    world = await startWebWorld('a11y-centre', () => now);
    ({ deps, server, browser } = world);
    ({ id: patient } = await createPerson(deps.db, 'a11y-centre', { hasOximeter: true, dateOfBirth: '1950-03-03', preferredChannel: 'web' }, now));
    ({ id: contact } = await createPerson(deps.db, 'a11y-centre', { classification: 'close_contact', preferredChannel: 'web' }, now));
  });
  afterAll(async () => world?.close());

  it('every page type passes the automated check, on a phone and at 200 % zoom', async () => {
    const phone = await phoneContext(browser);
    // 200 % zoom on a 375 px phone lays the page out in 187 CSS pixels.
    const zoomed: BrowserContext = await browser.newContext({ viewport: { width: 187, height: 333 }, deviceScaleFactor: 4, locale: 'ja-JP' });
    const page = await phone.newPage();
    const zoom = await zoomed.newPage();
    const found: Record<string, string[]> = {};
    /** Check the page in front of us, then the same address at 200 % (a GET records nothing). */
    const audit = async (p: Page, type: string, lang: 'ja' | 'en' = 'ja') => {
      if (type in found) return;
      const problems = await accessibilityProblems(p, lang);
      await zoom.goto(p.url());
      problems.push(...(await accessibilityProblems(zoom, lang)).map((x) => `at 200 %: ${x}`));
      const overflow = await horizontalOverflow(zoom);
      if (overflow > 0) problems.push(`at 200 %: ${overflow} px of sideways scrolling`);
      await shot(zoom, `web-2x-${type.replace(/[^a-z]+/gi, '-')}`);
      found[type] = problems;
    };

    // A whole check answered red, so the read-back, the urgent advice and the checklist show.
    const check = await openWebCheck(deps, patient);
    await page.goto(local(check.url));
    const answers = { temperature: '37.9', spo2: '91', pulse: '96', comment: '' };
    for (let i = 0; i < 40 && (await nonceOf(page)) !== null; i++) {
      await audit(page, await pageType(page));
      await answerOnPage(page, answers);
    }
    await audit(page, 'done');

    const english = await openWebCheck(deps, patient);
    await page.goto(`${local(english.url)}?lang=en`);
    await audit(page, 'english', 'en');
    await page.goto(`${local(english.url)}?lang=ja-easy`);
    await audit(page, 'ja-easy');

    const short = await openWebCheck(deps, contact);
    await page.goto(local(short.url));
    await audit(page, await pageType(page));

    await page.goto(`${server.base}/c/not-a-link`);
    await audit(page, 'invalid link');
    const saved = now;
    now = new Date(english.expiresAt.getTime() + 60_000);
    try {
      await page.goto(local(english.url));
      expect(await page.locator('h1').innerText()).toBe('この健康観察は終了しました');
      await audit(page, 'expired');
    } finally {
      now = saved;
    }

    expect(Object.keys(found).sort()).toEqual([...ALL_TYPES].sort());
    expect(found).toEqual(Object.fromEntries(ALL_TYPES.map((t) => [t, []])));
    await phone.close();
    await zoomed.close();
  }, BROWSER_TEST_MS);

  it('finds what it is meant to find (a control without a name, low contrast, a small target, a wrong lang)', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    const { url } = await openWebCheck(deps, patient);
    await page.goto(local(url));
    expect(await accessibilityProblems(page, 'ja')).toEqual([]);
    await page.evaluate(() => {
      document.querySelector('label[for=answer]')?.remove();
      (document.querySelector('button.primary') as HTMLElement).style.cssText = 'background:#fff;color:#bbb;min-height:0;height:30px';
    });
    const problems = await accessibilityProblems(page, 'en');
    expect(problems).toContainEqual('html lang is ja, expected en');
    expect(problems.some((p) => /^a textbox without an accessible name/.test(p))).toBe(true);
    expect(problems.some((p) => /^contrast 1\.\d+:1 of button\.primary/.test(p))).toBe(true);
    expect(problems.some((p) => /^button\.primary ".*" is 30 px high$/.test(p))).toBe(true);
    await context.close();
  }, BROWSER_TEST_MS);

  it('a whole check can be answered with JavaScript disabled', async () => {
    const { url, sessionId } = await openWebCheck(deps, patient);
    const context = await browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, locale: 'ja-JP', javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(local(url));
    // The page's script did not run: it would have focused the question.
    expect(await page.evaluate(() => document.activeElement?.id ?? '')).not.toBe('question');
    expect(await questionId(page)).toBe('temperature');
    const steps = await answerToTheEnd(page, { temperature: '36.6', spo2: '98', pulse: '70' });
    expect(await page.locator('h1').innerText()).toBe('回答を受け付けました');
    const [session] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, sessionId));
    expect(session!.status).toBe('completed');
    // The symptom group: one page, eight observations.
    expect(await deps.db.select().from(observations).where(eq(observations.sessionId, sessionId))).toHaveLength(steps + 7);
    await context.close();
  }, BROWSER_TEST_MS);
});
