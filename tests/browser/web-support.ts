import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Secret, TOTP } from 'otpauth';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre } from '../support/fixtures';
import { PASSWORD } from '../admin/support';

export const SCREENSHOTS = path.resolve('test-output/screenshots');

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The whole app on a free local port, as `npm start` would serve it (workers off). */
export async function startServer(deps: TestDeps): Promise<{ base: string; close(): Promise<void> }> {
  const app = createApp(deps);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * What a patient-page browser test needs: deps with a settable clock (workers off), one
 * health centre with a phone number, the app on a local port, and Chromium.
 */
export async function startWebWorld(centreCode: string, now: () => Date) {
  const deps = await createTestDeps({ WORKERS: 'off' }, { now });
  await createCentre(deps.db, { code: centreCode, phone: '03-5273-3000' });
  const server = await startServer(deps);
  const browser = await launchChromium();
  return {
    deps,
    server,
    browser,
    /** A link issued for http://localhost:3000 (PUBLIC_BASE_URL's default), on this server. */
    local: (url: string) => url.replace('http://localhost:3000', server.base),
    async close() {
      await browser.close();
      await server.close();
      await deps.close();
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** An old small phone: 375×667 CSS pixels, touch, Japanese locale. */
export function phoneContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'ja-JP' });
}

/**
 * Keep a picture of the page in test-output/screenshots (for people, not an assertion). On a
 * starved machine Chromium can take longer than that to paint a frame: then the picture is
 * skipped with a warning rather than failing a test whose assertions are about the DOM.
 */
export async function shot(page: Page, name: string): Promise<void> {
  try {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true, animations: 'disabled', timeout: 15_000 });
  } catch (err) {
    if ((err as Error).name !== 'TimeoutError') throw err;
    console.warn(`[screenshot] ${name}: skipped, Chromium did not paint within 15 s (${(err as Error).message.split('\n')[0]})`);
  }
}

/** The form's nonce, or null when the page has no question (done / closed). */
export async function nonceOf(page: Page): Promise<string | null> {
  return page.evaluate(() => (document.querySelector('form.check input[name=n]') as HTMLInputElement | null)?.value ?? null);
}

/** Wait until the page after a submit has loaded (another nonce, or no question any more). */
export async function waitForNextStep(page: Page, before: string | null): Promise<void> {
  await page.waitForFunction(
    (n) => document.readyState === 'complete' && (document.querySelector('form.check input[name=n]') as HTMLInputElement | null)?.value !== n,
    before,
  );
}

export async function questionId(page: Page): Promise<string | null> {
  return page.evaluate(() => (document.querySelector('form.check input[name=q]') as HTMLInputElement | null)?.value ?? null);
}

/** Press Tab until the focused element matches `selector` (keyboard only, like a person would). */
export async function tabTo(page: Page, selector: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`could not reach ${selector} with Tab`);
}

/**
 * Answer the question in front of us with the mouse, then wait for the next page. `answers`
 * by question id: a number to type, a choice (`yes`/`no`), or a checkbox value; anything
 * not given is answered calmly (いいえ, 「なし」, an empty comment). A read-back is confirmed.
 */
export async function answerOnPage(page: Page, answers: Record<string, string>): Promise<void> {
  const q = (await questionId(page))!;
  const before = await nonceOf(page);
  const readBack = (await page.locator('button.choice-yes').count()) > 0 && (await page.locator('h1').innerText()).includes('正しい');
  if (readBack) await page.click('button.choice-yes');
  else if (await page.locator('input[type=checkbox]').count()) {
    await page.click(`input[type=checkbox][value="${answers[q] ?? 'none'}"]`);
    await page.click('button.primary');
  } else if (await page.locator('#answer').count()) {
    await page.fill('#answer', answers[q] ?? '');
    await page.click('button.primary');
  } else await page.click(`button.choice-${answers[q] ?? 'no'}`);
  await waitForNextStep(page, before);
}

/** Answer page after page until the check ends (no form any more); returns how many. */
export async function answerToTheEnd(page: Page, answers: Record<string, string>, max = 40): Promise<number> {
  let n = 0;
  for (; n < max && (await nonceOf(page)) !== null; n++) await answerOnPage(page, answers);
  return n;
}

export type WebWorld = Awaited<ReturnType<typeof startWebWorld>>;

/**
 * Sign in to the console on `page` as `email` (by default the staff password of
 * tests/admin/support), landing on /admin; `totp`: the account enrols TOTP on this sign-in.
 */
export async function signInToConsole(page: Page, base: string, email: string, opts: { password?: string; totp?: boolean } = {}): Promise<void> {
  await page.goto(`${base}/admin/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', opts.password ?? PASSWORD);
  if (!opts.totp) {
    await Promise.all([page.waitForURL((u) => u.pathname === '/admin'), page.click('form.narrow button[type=submit]')]);
    return;
  }
  await Promise.all([page.waitForURL(/\/admin\/login\/totp/), page.click('form button[type=submit]')]);
  await enrolTotp(page, base);
}

/** The TOTP enrolment page after a password: the key it shows, a code from it, then the console. */
export async function enrolTotp(page: Page, base: string): Promise<void> {
  const secret = (await page.textContent('[data-totp-secret]'))!.trim();
  await page.fill('input[name=code]', new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate());
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/admin/login')), page.click('form button[type=submit]')]);
  // A first enrolment shows the recovery codes once (issue 18); then the console.
  if (new URL(page.url()).pathname === '/admin/account/recovery-codes') await page.goto(`${base}/admin`);
}

/** A console error the console pages may log on purpose: the 422 of a form sent back with its mistakes. */
const expected422 = (text: string) => text.includes('422');

/**
 * Collect into `problems` what goes wrong in `page`'s scripts: console errors (but those
 * `expected` says are expected) and uncaught exceptions. A test then expects `problems` empty.
 */
export function collectProblems(page: Page, problems: string[], expected: (text: string) => boolean = expected422): Page {
  page.on('console', (m) => m.type() === 'error' && !expected(m.text()) && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  return page;
}

/** A new desktop page (1280 wide, Japanese locale) in its own context, its problems collected. */
export async function consolePage(browser: Browser, problems: string[], opts: { height?: number; expected?: (text: string) => boolean; context?: BrowserContextOptions } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: opts.height ?? 900 }, locale: 'ja-JP', ...opts.context });
  return collectProblems(await context.newPage(), problems, opts.expected);
}

/**
 * The set-up of a console browser test: the app over `deps` on a local port, Chromium, and
 * one desktop page (see consolePage) signed in as `signIn` (unless it is null). `close`
 * closes the browser and the server; the test closes its deps.
 */
export async function openConsole(deps: TestDeps, signIn: string | null, opts: Parameters<typeof consolePage>[2] = {}) {
  const server = await startServer(deps);
  const browser = await launchChromium();
  const problems: string[] = [];
  const page = await consolePage(browser, problems, opts);
  if (signIn !== null) await signInToConsole(page, server.base, signIn);
  return {
    server,
    browser,
    page,
    problems,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

export type ConsoleSession = Awaited<ReturnType<typeof openConsole>>;
