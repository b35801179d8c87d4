import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createTestDeps, type TestDeps } from '../support/deps';
import { answerDailyCheck, dailyAnswers } from '../admin/fixtures';
import { ensureCentre, makeStaff } from '../admin/support';
import { type ConsoleSession, openConsole, shot } from './web-support';

/**
 * Registering a person in Chromium, as a nurse: a mistake is shown at its field and
 * nothing typed is lost; after saving, the LINE link code is issued and its QR code is
 * rendered (an image the browser decoded) with the twelve digits; the person's page draws
 * the temperature chart with uPlot, served by the app. Screenshots: console-persons-*.png.
 */
describe('persons in a browser', () => {
  let deps: TestDeps;
  let ui: ConsoleSession;
  let page: Page;

  beforeAll(async () => {
    deps = await createTestDeps({ WORKERS: 'off' });
    await ensureCentre(deps, '13-932');
    await makeStaff(deps, { email: 'nurse@browser-persons.jp', role: 'nurse', jurisdictionCode: '13-932' });
    ui = await openConsole(deps, 'nurse@browser-persons.jp', { height: 1000 });
    page = ui.page;
  }, 60_000);

  afterAll(async () => {
    await ui?.close();
    await deps?.close();
  });

  it('registers a person and shows the LINE link code as a QR code and digits', async () => {
    await page.click('nav a[href="/admin/persons"]');
    await page.click('a[href="/admin/persons/new"]');
    await page.fill('input[name=caseNumber]', 'B-100');
    await page.fill('input[name=name]', '画面 登録子');
    await page.fill('input[name=nameKana]', 'ガメン トウロクコ');
    await page.fill('input[name=dateOfBirth]', '1952-07-15');
    await page.fill('input[name=phone]', '090-12');
    await page.selectOption('select[name=classification]', 'confirmed');
    await page.check('input[name=riskFactors][value=diabetes]');
    await page.check('input[name=hasOximeter]');
    await Promise.all([page.waitForLoadState('load'), page.click('#person-form button[type=submit]')]);
    expect(await page.textContent('#err-phone')).toBeTruthy();
    expect(await page.inputValue('input[name=name]')).toBe('画面 登録子');
    expect(await page.isChecked('input[name=riskFactors][value=diabetes]')).toBe(true);
    await shot(page, 'console-persons-error');

    await page.fill('input[name=phone]', '090-1234-0000');
    await Promise.all([page.waitForURL(/\/admin\/persons\/[0-9a-f-]{36}\?created=1$/), page.click('#person-form button[type=submit]')]);
    expect(await page.textContent('h1')).toBe('画面 登録子');
    const personId = new URL(page.url()).pathname.split('/')[3]!;

    await Promise.all([page.waitForLoadState('load'), page.click('#issue-link-code')]);
    const qr = await page.waitForSelector('#link-code-qr');
    const size = await qr.evaluate((img) => ({ w: (img as HTMLImageElement).naturalWidth, done: (img as HTMLImageElement).complete }));
    expect(size.done).toBe(true);
    expect(size.w).toBeGreaterThan(0);
    expect(await page.textContent('#link-code-digits')).toMatch(/^\d{4}-\d{4}-\d{4}$/);
    await shot(page, 'console-persons-link-code');

    // A day of answers: the person's page draws the temperature chart.
    await answerDailyCheck(deps, personId, ['37.2', '97', '72', ...dailyAnswers('', 'なし').slice(1)]);
    await page.goto(`${ui.server.base}/admin/persons/${personId}`);
    await page.waitForSelector('#chart-temperature[data-drawn="true"] canvas', { timeout: 5_000 });
    expect(await page.textContent('#health-table')).toContain('37.2');
    await shot(page, 'console-persons-page');
    expect(ui.problems, ui.problems.join('\n')).toEqual([]);
  }, 30_000);
});
