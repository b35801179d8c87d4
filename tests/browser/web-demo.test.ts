import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../db/seed/demo-data';
import { startRedisInstance, type RedisInstance } from '../support/redis-instance';
import { migratedDataDir } from '../support/run-artefacts';
import { freePort, spawnEntry, waitFor, type Spawned } from '../support/server-process';
import { answerOnPage, answerToTheEnd, launchChromium, questionId, shot } from './web-support';

/**
 * The README's quick start, for real: `npm start` with no LINE or Twilio settings and no
 * DATABASE_URL (the embedded PGlite in a new DATA_DIR, created and migrated as a first start
 * leaves it: startup.test.ts covers the first start itself), `REQUIRE_TOTP_FOR=officers` as
 * the README says, then `npm run cli -- seed-demo` beside it. The demo nurse signs in,
 * opens 見守 太郎, presses 「患者として試す」, answers the web check red in the new tab, and
 * the new red alert appears on the triage screen that was open all along (no reload).
 * Workers are on, as with a plain `npm start`; they get a private Redis (there is no
 * queue-prefix setting, and other test files share the machine's Redis).
 */
describe('demo: npm start + seed-demo, try as the patient, answer red, see the alert in the console', () => {
  let dataDir: string;
  let redis: RedisInstance;
  let server: Spawned;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    dataDir = await migratedDataDir('mimamori-demo-');
    redis = await startRedisInstance();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const settings = { DATA_DIR: dataDir, REDIS_URL: redis.url };
    server = spawnEntry('src/server.ts', { ...settings, PORT: String(port), REQUIRE_TOTP_FOR: 'officers' });
    await waitFor(`${base}/healthz`, 150_000);
    const seed = spawnEntry('src/cli.ts', settings, ['seed-demo']);
    expect(await seed.exited, seed.output()).toBe(0);
    browser = await launchChromium();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await redis?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  /** Red rows of the triage queue that name the person. */
  const redRowsOf = (page: Page, name: string) => page.locator('tr[data-severity=red]', { hasText: name }).count();

  it('the red answer appears on the triage screen', async () => {
    // The nurse on a desktop; the patient's tab is then sized like a small phone.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
    const triage = await context.newPage();
    await triage.goto(`${base}/admin/login`);
    await triage.fill('input[name=email]', 'nurse@demo.mimamori.jp');
    await triage.fill('input[name=password]', DEMO_PASSWORD);
    // Straight to the triage queue: no TOTP enrolment for a nurse with REQUIRE_TOTP_FOR=officers.
    await Promise.all([triage.waitForURL(`${base}/admin`), triage.click('button[type=submit]')]);
    const redBefore = await redRowsOf(triage, '見守 太郎'); // the seed's own three-day fever

    // 対象者 → 見守 太郎 → 「患者として試す」: the patient's page opens in a new tab.
    const persons = await context.newPage();
    await persons.goto(`${base}/admin/persons`);
    await Promise.all([persons.waitForURL(/\/admin\/persons\/[0-9a-f-]{36}$/), persons.click('a:has-text("見守 太郎")')]);
    const [patient] = await Promise.all([context.waitForEvent('page'), persons.click('#try-as-patient')]);
    await patient.setViewportSize({ width: 375, height: 667 });
    await patient.waitForSelector('#question');
    expect(new URL(patient.url()).pathname).toMatch(/^\/c\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    await shot(patient, 'web-11-demo-try-as-patient');

    // The README's answers: 37.9, SpO2 91 read back and confirmed, then calm to the end.
    const answers = { temperature: '37.9', spo2: '91' };
    expect(await questionId(patient)).toBe('temperature');
    await answerOnPage(patient, answers);
    await answerOnPage(patient, answers);
    expect(await patient.locator('h1').innerText()).toContain('91%で正しいですか');
    await answerOnPage(patient, answers);
    expect(await patient.locator('.urgent[role=alert]').count()).toBe(1);
    // The first, biggest button answers now: the centre while it is open, 119 after hours (the demo runs on the real clock).
    const closed = (await patient.locator('.urgent a.call-closed').count()) > 0;
    expect(await patient.getAttribute('.urgent a.call', 'href')).toBe(closed ? 'tel:119' : 'tel:0352733000');
    await answerToTheEnd(patient, answers);
    expect(await patient.locator('h1').innerText()).toBe('回答を受け付けました');

    // The triage screen, open since before the answer, shows the new red alert without a reload.
    await triage.bringToFront();
    await triage.waitForFunction(
      ([n]) => [...document.querySelectorAll('tr[data-severity=red]')].filter((r) => r.textContent?.includes('見守 太郎')).length > n,
      [redBefore] as const,
      { timeout: 20_000 },
    );
    expect(await redRowsOf(triage, '見守 太郎')).toBe(redBefore + 1);
    await shot(triage, 'web-12-demo-triage-red-alert');
    await context.close();
  }, 180_000);
});
