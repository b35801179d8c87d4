import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { alerts } from '../../db/schema';
import { createTestDeps, type TestDeps } from '../support/deps';
import { answerDailyCheck, dailyAnswers, makeAlert, makePerson } from '../admin/fixtures';
import { ensureCentre, makeStaff } from '../admin/support';
import { type ConsoleSession, openConsole, shot } from './web-support';

/**
 * Triage in Chromium, as a nurse: the queue is open and live; a patient answers on LINE
 * (through the same answerCheck verb the LINE inbound job calls) with SpO2 92 % (confirmed); the red
 * alert appears without reloading; the nurse opens it, acknowledges and resolves it.
 * Screenshots: test-output/screenshots/console-triage-*.png.
 */
describe('triage in a browser', () => {
  let deps: TestDeps;
  let ui: ConsoleSession;
  let page: Page;
  let personId: string;

  beforeAll(async () => {
    deps = await createTestDeps({ WORKERS: 'off' });
    await ensureCentre(deps, '13-931');
    await makeStaff(deps, { email: 'nurse@browser-triage.jp', role: 'nurse', jurisdictionCode: '13-931', displayName: '高橋 看護師' });
    personId = await makePerson(deps, '13-931', { name: '酸素 低子', nameKana: 'サンソ ヒクコ', hasOximeter: true, dateOfBirth: '1990-01-01', riskFactors: [] });
    ui = await openConsole(deps, 'nurse@browser-triage.jp', { expected: () => false });
    page = ui.page;
  }, 60_000);

  afterAll(async () => {
    await ui?.close();
    await deps?.close();
  });

  it('shows a new alert live, then acknowledges and resolves it', async () => {
    await page.waitForSelector('#live-state[data-state="on"]', { timeout: 10_000 });
    expect(await page.textContent('#queue-rows')).toContain('対応が必要なアラートはありません');

    // The patient answers on LINE: 39.0 ℃, SpO2 92 % (and confirms it), pulse 88, no other symptoms.
    await answerDailyCheck(deps, personId, ['39.0', '92', 'はい', '88', ...dailyAnswers('', 'なし').slice(1)]);
    const row = await page.waitForSelector('#queue-rows tr[data-severity="red"]', { timeout: 10_000 });
    expect(await row.textContent()).toContain('酸素 低子');
    expect(await row.textContent()).toContain('SpO2 93%以下');
    expect(await page.isVisible('#new-alert-banner')).toBe(true);
    expect(await page.title()).toMatch(/^\(1\) /);
    await shot(page, 'console-triage-live');

    await Promise.all([page.waitForURL(/\/admin\/alerts\//), row.$eval('a', (a) => (a as HTMLAnchorElement).click())]);
    expect(await page.textContent('#alert-reasons')).toContain('SpO2 93%以下');
    expect(await page.textContent('#recent-answers')).toContain('92');
    await Promise.all([page.waitForLoadState('load'), page.click('#acknowledge')]);
    expect(await page.textContent('#alert-status')).toBe('対応中');
    expect(await page.textContent('#taken-by')).toContain('高橋 看護師');
    await page.selectOption('#outcome', 'called');
    await page.fill('form[action$="/resolve"] [name=note]', '本人と電話、受診を案内');
    await Promise.all([page.waitForLoadState('load'), page.click('#resolve')]);
    expect(await page.textContent('#alert-status')).toBe('完了');
    expect(await page.textContent('#alert-history')).toContain('本人と電話、受診を案内');
    await shot(page, 'console-triage-resolved');

    const resolved = await deps.db.select().from(alerts).where(eq(alerts.personId, personId));
    expect(resolved.find((a) => a.severity === 'red')).toMatchObject({ status: 'resolved', outcome: 'called' });

    // Back on the queue, the resolved alert is gone from the default view.
    await page.goto(`${ui.server.base}/admin`);
    expect(await page.$('#queue-rows tr[data-severity="red"]')).toBeNull();
    expect(ui.problems, ui.problems.join('\n')).toEqual([]);
  }, 30_000);

  it('lets the nurse turn the sound and the visual cue off and on, remembered across reloads', async () => {
    // Count beeps: a stand-in AudioContext (headless Chromium has no speakers to listen to).
    await page.addInitScript(() => {
      const w = window as unknown as { beeps: number; AudioContext: unknown };
      w.beeps = 0;
      w.AudioContext = function () {
        const node = { connect() {}, frequency: {}, gain: {}, start() { w.beeps += 1; }, stop() {} };
        return { createOscillator: () => node, createGain: () => node, destination: {}, currentTime: 0 };
      };
    });
    await page.goto(`${ui.server.base}/admin`);
    expect(await page.isChecked('#sound-toggle')).toBe(false);
    expect(await page.isChecked('#visual-toggle')).toBe(true);
    await page.check('#sound-toggle');
    await page.uncheck('#visual-toggle');
    await page.reload();
    await page.waitForSelector('#live-state[data-state="on"]', { timeout: 10_000 });
    expect(await page.isChecked('#sound-toggle')).toBe(true);
    expect(await page.isChecked('#visual-toggle')).toBe(false);
    const title = await page.title();

    // Sound on, visual off: a beep, no banner, no count in the tab title.
    const quiet = await makeAlert(deps, personId, { severity: 'amber' });
    await page.waitForSelector(`#queue-rows tr[data-alert-id="${quiet}"]`, { timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { beeps: number }).beeps)).toBe(1);
    expect(await page.isVisible('#new-alert-banner')).toBe(false);
    expect(await page.title()).toBe(title);
    await shot(page, 'console-triage-cues-off');

    // Sound off, visual on: the banner and the count, no beep.
    await page.uncheck('#sound-toggle');
    await page.check('#visual-toggle');
    const loud = await makeAlert(deps, personId, { severity: 'amber' });
    await page.waitForSelector(`#queue-rows tr[data-alert-id="${loud}"]`, { timeout: 10_000 });
    expect(await page.isVisible('#new-alert-banner')).toBe(true);
    expect(await page.title()).toBe(`(1) ${title}`);
    expect(await page.evaluate(() => (window as unknown as { beeps: number }).beeps)).toBe(1);
    expect(ui.problems, ui.problems.join('\n')).toEqual([]);
  }, 30_000);
  it('shows a desktop notification for a new red alert once the nurse allows it — never for amber, never with personal data', async () => {
    const context = page.context();
    await context.grantPermissions(['notifications'], { origin: ui.server.base });
    // Record what the page shows as notifications (headless Chromium has no notification centre to look at).
    await page.addInitScript(() => {
      const w = window as unknown as { shown: { title: string; body: string }[]; Notification: unknown };
      w.shown = [];
      const Real = (window as unknown as { Notification: { permission: string; requestPermission: () => Promise<string> } }).Notification;
      function Recorder(this: unknown, title: string, opts: { body?: string }) {
        w.shown.push({ title, body: opts?.body ?? '' });
        return { close() {}, set onclick(_f: unknown) {} };
      }
      Object.defineProperty(Recorder, 'permission', { get: () => Real.permission });
      (Recorder as unknown as { requestPermission: () => Promise<string> }).requestPermission = () => Real.requestPermission();
      w.Notification = Recorder;
    });
    await page.goto(`${ui.server.base}/admin`);
    await page.waitForSelector('#live-state[data-state="on"]', { timeout: 10_000 });
    const shown = () => page.evaluate(() => (window as unknown as { shown: { title: string; body: string }[] }).shown);
    // Off until the nurse ticks the box: a red alert shows nothing on the desktop.
    const before = await makeAlert(deps, personId, { severity: 'red' });
    await page.waitForSelector(`#queue-rows tr[data-alert-id="${before}"]`, { timeout: 10_000 });
    expect(await shown()).toEqual([]);
    await page.check('#notify-toggle');
    await page.waitForFunction(() => localStorage.getItem('mimamori.notify') === 'on');
    const amber = await makeAlert(deps, personId, { severity: 'amber' });
    await page.waitForSelector(`#queue-rows tr[data-alert-id="${amber}"]`, { timeout: 10_000 });
    expect(await shown()).toEqual([]);
    const red = await makeAlert(deps, personId, { severity: 'red' });
    await page.waitForSelector(`#queue-rows tr[data-alert-id="${red}"]`, { timeout: 10_000 });
    await page.waitForFunction(() => (window as unknown as { shown: unknown[] }).shown.length === 1, undefined, { timeout: 5_000 });
    const [notice] = await shown();
    expect(notice).toEqual({ title: '見守り: 新しい赤アラート', body: '赤アラートが届きました。トリアージ画面を開いてください。' });
    expect(JSON.stringify(notice)).not.toContain('酸素');
    // Each red alert waits visibly: the queue shows how long.
    expect(await page.textContent(`#queue-rows tr[data-alert-id="${red}"]`)).toMatch(/\d+分待ち/);
    expect(ui.problems, ui.problems.join('\n')).toEqual([]);
  }, 30_000);
});
