import { readFile } from 'node:fs/promises';
import iconv from 'iconv-lite';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, type TestDeps } from '../support/deps';
import { ensureCentre, makeStaff } from '../admin/support';
import { insertAlert, insertAnsweredCheck, insertPerson } from '../admin/flows-reports-fixtures';
import { type ConsoleSession, openConsole, shot, signInToConsole } from './web-support';

/**
 * Reports in Chromium as a nurse: the dashboard with its uPlot charts, then a Shift_JIS
 * download of the persons in scope, read back with iconv-lite (CP932).
 * Screenshot: test-output/screenshots/export-reports.png.
 */
describe('reports and CSV export in a browser', () => {
  const NOW = new Date('2026-03-10T03:00:00Z');
  let deps: TestDeps;
  let ui: ConsoleSession;
  let page: Page;

  beforeAll(async () => {
    deps = await createTestDeps({ WORKERS: 'off' }, { now: () => NOW });
    const a = await ensureCentre(deps, '13-841', 'みなと保健所');
    const b = await ensureCentre(deps, '13-842', 'しながわ保健所');
    const p1 = await insertPerson(deps.db, a, { caseNumber: 'R-001', name: '髙橋 花子', nameKana: 'タカハシ ハナコ' });
    await insertPerson(deps.db, a, { caseNumber: 'R-002', name: '渡邊 一郎①', classification: 'close_contact', status: 'close_contact' });
    await insertPerson(deps.db, b, { caseNumber: 'R-901', name: '品川 次郎' });
    await insertAlert(deps.db, p1.id, a, 'red', new Date('2026-03-09T01:00:00Z'));
    await insertAlert(deps.db, p1.id, a, 'amber', new Date('2026-03-10T01:00:00Z'));
    await insertAnsweredCheck(deps.db, p1.id, '2026-03-09', { round: '09:00' });
    await insertAnsweredCheck(deps.db, p1.id, '2026-03-10', { round: '09:00', status: 'missed' });
    await makeStaff(deps, { email: 'nurse@browser-export.jp', role: 'nurse', jurisdictionCode: '13-841' });
    ui = await openConsole(deps, null, { expected: (t) => t.startsWith('Failed to load resource'), context: { acceptDownloads: true } });
    page = ui.page;
    page.on('response', (r) => r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico' && ui.problems.push(`${r.status()} ${new URL(r.url()).pathname}`));
    await signInToConsole(page, ui.server.base, 'nurse@browser-export.jp');
  }, 60_000);
  afterAll(async () => {
    await ui?.close();
    await deps?.close();
  });

  it('shows the dashboard with charts and downloads a Shift_JIS CSV that reads back correctly', async () => {
    await page.goto(`${ui.server.base}/admin/reports`);
    await page.waitForSelector('.chart[data-drawn="true"] canvas');
    expect(await page.locator('.chart[data-drawn="true"]').count()).toBe(2);
    expect(await page.textContent('#persons-total')).toBe('2');
    await shot(page, 'export-reports');

    await page.selectOption('#persons-encoding', 'shift_jis');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-persons button[type=submit]')]);
    expect(download.suggestedFilename()).toBe('persons-20260310.csv');
    const bytes = await readFile((await download.path())!);
    // Not UTF-8: 髙 is 0xFB 0xFC in CP932 (an IBM extension Excel's Shift_JIS reads).
    expect(bytes.includes(Buffer.from([0xfb, 0xfc]))).toBe(true);
    const rows = iconv.decode(bytes, 'cp932').trimEnd().split('\r\n').map((r) => r.split(','));
    const nameAt = rows[0]!.indexOf('氏名');
    expect(nameAt).toBeGreaterThan(0);
    expect(rows.slice(1).map((r) => r[nameAt]).sort()).toEqual(['渡邊 一郎①', '髙橋 花子'].sort());
    expect(rows.flat()).not.toContain('品川 次郎');
    expect(ui.problems, ui.problems.join('\n')).toEqual([]);
  }, 60_000);
});
