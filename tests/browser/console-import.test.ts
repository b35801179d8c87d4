import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createTestDeps, type TestDeps } from '../support/deps';
import { lineListCsv } from '../support/line-list';
import { ensureCentre, makeStaff } from '../admin/support';
import { type ConsoleSession, openConsole, shot } from './web-support';

/**
 * Importing a line list in Chromium, as a nurse: upload a Shift_JIS CSV → the preview shows
 * each problem at its cell in Japanese → adjust the mapping → import → the progress bar
 * follows the job → done, with the refused rows listed → invite the new persons (printable
 * letters with QR codes). Screenshots: console-import-*.png.
 */
describe('bulk import in a browser', () => {
  let deps: TestDeps;
  let ui: ConsoleSession;
  let page: Page;
  const file = path.join(tmpdir(), `browser-line-list-${process.pid}.csv`);

  beforeAll(async () => {
    deps = await createTestDeps({ WORKERS: 'off' });
    await ensureCentre(deps, '13-933');
    await makeStaff(deps, { email: 'nurse@browser-import.jp', role: 'nurse', jurisdictionCode: '13-933' });
    await writeFile(file, lineListCsv(300, { prefix: 'BRW', bad: { 1: 'date', 150: 'phone' } }));
    deps.jobs.startWorkers(deps, { queues: ['imports'], scheduler: false });
    ui = await openConsole(deps, 'nurse@browser-import.jp', { height: 1000 });
    page = ui.page;
  }, 60_000);

  afterAll(async () => {
    await ui?.close();
    await deps?.close();
  });

  it('upload → preview with ui.problems at their cells → mapping → import with progress → done → invitations', async () => {
    await page.click('nav a[href="/admin/imports"]');
    await page.setInputFiles('input[name=file]', file);
    await Promise.all([page.waitForURL(/\/admin\/imports\/[0-9a-f-]{36}$/), page.click('#upload-form button[type=submit]')]);
    // Row 3 (the second data row) has a date that does not exist: shown at its cell, in Japanese.
    const bad = page.locator('#preview tr', { has: page.locator('th', { hasText: /^3$/ }) }).locator('td.cell-problem');
    expect(await bad.count()).toBe(1);
    expect(await bad.locator('.problem').textContent()).toMatch(/日付が読み取れません/);
    await shot(page, 'console-import-preview');

    // The mapping step: leave the address out, save, and the choice sticks.
    await page.selectOption('#mapping-form select[name=address]', '');
    await Promise.all([page.waitForLoadState('load'), page.click('#mapping-form button[type=submit]')]);
    expect(await page.inputValue('#mapping-form select[name=address]')).toBe('');

    await Promise.all([page.waitForLoadState('load'), page.click('#start-form button[value=false]')]);
    expect(await page.locator('#import-progress').count()).toBe(1);
    await page.waitForSelector('#import-state[data-status="done"]', { timeout: 120_000 });
    expect(await page.textContent('#import-counts')).toMatch(/300 \/ 300 — 新規 298・更新 0・変更なし 0・エラー 2/);
    expect(await page.locator('#import-errors tbody tr').count()).toBe(2);
    expect(await page.textContent('#import-errors')).toContain('電話番号');
    await shot(page, 'console-import-done');

    // Inviting 298 persons (link codes, first checks) is one request: on a loaded machine it can take longer than the default 30 s.
    await Promise.all([page.waitForLoadState('load'), page.click('#invite-form button[type=submit]', { timeout: 120_000 })]);
    expect(await page.textContent('#invite-summary')).toMatch(/案内状 \d+ 通/);
    const img = page.locator('article.letter img').first();
    expect(await img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0)).toBe(true);
    expect(await page.locator('article.letter .letter-code strong').first().textContent()).toMatch(/^\d{4}-\d{4}-\d{4}$/); // two-part 12-digit code (issue 19.3)
    await shot(page, 'console-import-letters');
    expect(ui.problems, ui.problems.join('\n')).toEqual([]);
  }, 240_000);
});
