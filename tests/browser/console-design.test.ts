import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { makeAlert } from '../admin/fixtures';
import { ensureCentre } from '../admin/support';
import { consoleWorld } from './console-world';
import { collectProblems, SCREENSHOTS, shot } from './web-support';

/**
 * The console's design pass (issue 18) in Chromium, on a fixed clock: the alert page gives the
 * reason in Japanese and a 健康観察 table (vital signs first, red and amber cells marked, a
 * trend), the same risk factors as the person page; the person page opens on the vital signs
 * with Japanese chart axes, its actions in one bar and forms in dialogs, centres chosen from a
 * list; phones in domestic form and typed with any dash; the contact log in words and a round
 * that was never sent shown as such; the triage queue ordered by severity then time (the live
 * stream too), nothing wrapping in its columns, the waiting time. Screenshots: console-design-*.png.
 */
describe('the console as a nurse reads it', () => {
  let w: Awaited<ReturnType<typeof consoleWorld>>;
  let page: Page;
  const problems: string[] = [];
  const text = (sel: string) => page.$eval(sel, (el) => (el as HTMLElement).innerText);

  beforeAll(async () => {
    w = await consoleWorld('13-971');
    await ensureCentre(w.deps, '13-972', '13-972第二保健所');
    page = collectProblems(await w.nursePage(), problems);
  }, 120_000);

  afterAll(async () => {
    await w?.close();
  });

  it('shows the alert reason in Japanese, the health-observation table and one view of the risk factors', async () => {
    await page.goto(`${w.server.base}/admin/alerts/${w.alertId}`);
    const reasons = await text('#alert-reasons');
    for (const raw of ['[object Object]', 'riskFactors', 'escalatedFrom', 'age65', 'underlying_condition', 'worseThanYesterday', '{']) expect(reasons).not.toContain(raw);
    expect(reasons).toContain('リスク因子により黄→赤: 65歳以上（68歳）');
    expect(reasons).toMatch(/体温 5\/2 37\.6℃ → 5\/3 38\.0℃ → 5\/4 38\.4℃/);
    expect(reasons).toContain('脈拍 125 回/分');
    expect(await page.$eval('main', (el) => (el as HTMLElement).innerText)).not.toMatch(/manual-\d/);

    const rows = await page.$$eval('#recent-answers tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-question-id')));
    expect(rows.slice(0, 3)).toEqual(['temperature', 'spo2', 'pulse']);
    const days = await page.$$eval('#recent-answers thead th[data-date]', (ths) => ths.map((th) => th.getAttribute('data-date')));
    expect(days).toEqual(['2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04']);
    const temps = await page.$$eval('#recent-answers tr[data-question-id="temperature"] td', (tds) => tds.map((td) => [(td as HTMLElement).innerText.trim(), td.getAttribute('data-mark')]));
    expect(temps.slice(0, 4)).toEqual([['36.9', null], ['37.6', null], [expect.stringContaining('38.0'), 'amber'], [expect.stringContaining('38.4'), 'amber']]);
    expect(await page.$eval('#recent-answers tr[data-question-id="pulse"] td:nth-of-type(4)', (td) => td.getAttribute('data-mark'))).toBe('amber');
    expect(await page.$$eval('#recent-answers tr[data-question-id="temperature"] svg.spark', (s) => s.length)).toBe(1);
    expect(await page.$$eval('#recent-answers .answer', (s) => s.length)).toBe(0); // no wall of chips
    expect(await text('#alert-phone')).toBe('090-0000-0001');
    const onAlert = await text('#alert-risk-factors');
    await shot(page, 'console-design-alert');

    await page.goto(`${w.server.base}/admin/persons/${w.personId}`);
    expect(await text('#person-risk-factors')).toBe(onAlert);
    expect(onAlert).toContain('65歳以上（68歳）');
    expect(onAlert).toContain('糖尿病');
    expect(problems, problems.join('\n')).toEqual([]);
  }, 60_000);

  it('opens the person page on the vital signs, with Japanese time axes, a compact action bar and forms in dialogs', async () => {
    await page.goto(`${w.server.base}/admin/persons/${w.personId}`);
    await page.waitForSelector('#chart-temperature[data-drawn="true"] canvas', { timeout: 5_000 });
    const top = async (sel: string) => (await page.$eval(sel, (el) => el.getBoundingClientRect().top + window.scrollY));
    expect(await top('#vitals')).toBeLessThan(await top('#person-facts'));
    expect(await top('#health-table')).toBeLessThan(900); // on the first screen
    const ticks = await page.$eval('#chart-temperature', (el) => (el as HTMLElement).dataset.xTicks ?? '');
    expect(ticks).toMatch(/^(\d{1,2}\/\d{1,2}|\d{1,2}時)( (\d{1,2}\/\d{1,2}|\d{1,2}時))*$/);
    expect(ticks).not.toMatch(/am|pm/i);
    expect(await page.$$eval('#health-table tbody tr', (trs) => trs.slice(0, 3).map((tr) => tr.getAttribute('data-question-id')))).toEqual(['temperature', 'spo2', 'pulse']);
    // The actions: one bar, no form fields on the page until a dialog opens.
    const bar = await page.$eval('#person-actions', (el) => el.getBoundingClientRect().height);
    expect(bar).toBeLessThan(100);
    expect(await page.isVisible('#transfer-centre')).toBe(false);
    await page.click('#open-dlg-share');
    expect(await page.isVisible('#dlg-share')).toBe(true);
    const options = await page.$$eval('#share-centre option', (os) => os.map((o) => [(o as HTMLOptionElement).value, (o as HTMLOptionElement).innerText]));
    expect(options).toContainEqual(['13-972', '13-972第二保健所（13-972）']);
    expect(options.map((o) => o[0])).not.toContain('13-971'); // not the person's own centre
    await Promise.all([page.waitForURL(/saved=1/), page.selectOption('#share-centre', '13-972').then(() => page.click('#share-form button[type=submit]'))]);
    expect(await text('#person-facts')).toContain('13-972第二保健所');
    await page.click('#open-dlg-transfer');
    expect(await page.$$eval('#transfer-centre option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toContain('13-972');
    await page.click('#dlg-transfer [data-close-dialog]');
    expect(await page.isVisible('#dlg-transfer')).toBe(false);
    await shot(page, 'console-design-person');
    expect(problems, problems.join('\n')).toEqual([]);
  }, 60_000);

  it('keeps the records read on the page and their forms (検査, 接触者, メモ, 電話連絡, 一時停止, 証明書) in dialogs from the bar, which still post without script', async () => {
    await page.goto(`${w.server.base}/admin/persons/${w.personId}`);
    // No record form on the page until its dialog opens; the records themselves stay readable.
    for (const form of ['#add-note', '#add-test', '#add-contact', '#record-call', '#pause-form']) expect(await page.isVisible(form), form).toBe(false);
    for (const card of ['#notes', '#tests', '#contacts', '#person-caseload', '#person-pauses', '#person-certificates']) expect(await page.isVisible(card), card).toBe(true);
    expect(await page.$$eval('main > .cards input:not([type=hidden]), main > .cards textarea, main > section textarea', (els) => els.filter((e) => !e.closest('#person-household')).length)).toBe(0);
    expect(await page.$eval('#person-actions', (el) => el.getBoundingClientRect().height)).toBeLessThan(100); // still one compact bar
    const openers = await page.$$eval('#person-actions .bar-group [data-open-dialog]', (as) => as.map((a) => a.getAttribute('data-open-dialog')));
    expect(openers).toEqual(['dlg-note', 'dlg-calls', 'dlg-tests', 'dlg-contacts', 'dlg-pause']); // 証明書 once monitoring has ended
    for (const dialog of openers) {
      await page.click(`#open-${dialog}`);
      expect(await page.isVisible(`#${dialog}`), dialog!).toBe(true);
      expect(await page.$eval(`#${dialog}`, (d) => (d as HTMLDialogElement).open)).toBe(true);
      if (dialog === 'dlg-tests') await page.locator('#dlg-tests').screenshot({ path: `${SCREENSHOTS}/console-design-person-dialog-tests.png` });
      await page.click(`#${dialog} [data-close-dialog]`);
      expect(await page.isVisible(`#${dialog}`)).toBe(false);
    }
    // A note and a call from their dialogs land on the page.
    await page.click('#open-dlg-note');
    await page.fill('#add-note textarea[name=note]', '本人と電話。食事は取れている。');
    await Promise.all([page.waitForURL(/#notes$/), page.click('#add-note button[type=submit]')]);
    expect(await text('#notes')).toContain('本人と電話。食事は取れている。');
    await page.click('#open-dlg-calls');
    await page.selectOption('#record-call select[name=outcome]', 'no_answer');
    await Promise.all([page.waitForLoadState('load'), page.click('#record-call button[type=submit]')]);
    expect(await text('#person-caseload')).toContain('応答なし');
    await page.click('#open-dlg-tests');
    await shot(page, 'console-design-person-records');

    // On a phone the dialog fits the screen.
    const phone = await w.nursePage(375);
    await phone.goto(`${w.server.base}/admin/persons/${w.personId}`);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(2);
    await phone.click('#open-dlg-pause');
    const box = (await phone.locator('#dlg-pause').boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(375);
    await phone.screenshot({ path: `${SCREENSHOTS}/console-design-person-dialog-phone.png` });

    // Without script: the opener is a link to its dialog, shown in place; the form posts as before.
    const noScript = await w.browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState(), viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
    const plain = await noScript.newPage();
    await plain.goto(`${w.server.base}/admin/persons/${w.personId}`);
    expect(await plain.isVisible('#add-test')).toBe(false);
    await plain.click('#open-dlg-tests');
    expect(plain.url()).toMatch(/#dlg-tests$/);
    expect(await plain.isVisible('#add-test')).toBe(true);
    await plain.fill('#add-test input[name=specimenDate]', '2026-05-03');
    await plain.selectOption('#add-test select[name=method]', 'antigen_qualitative');
    await Promise.all([plain.waitForURL(/saved=1/), plain.click('#add-test button[type=submit]')]);
    expect(await plain.textContent('#tests')).toContain('抗原定性検査');
    await plain.click('#open-dlg-status');
    expect(await plain.isVisible('#dlg-status form')).toBe(true); // the earlier dialogs work the same way
    await plain.screenshot({ path: `${SCREENSHOTS}/console-design-person-noscript.png` });
    await noScript.close();
    await phone.context().close();
    expect(problems, problems.join('\n')).toEqual([]);
  }, 90_000);

  it('shows phones in domestic form, accepts any dash typed, and words the contact log with the true state of a round', async () => {
    await page.goto(`${w.server.base}/admin/persons/${w.personId}`);
    expect(await text('#person-phone')).toBe('090-0000-0001');
    expect(await text('#channels')).toContain('090-0000-0001');
    expect(await text('#channels')).not.toContain('+81');
    const log = await text('#contact-attempts');
    expect(log).toContain('Web健康観察の依頼');
    expect(log).toContain('送る手段がない');
    for (const raw of ['web_link_prompt', 'no_provider']) expect(log).not.toContain(raw);
    const unsent = await text(`#timeline tr[data-session-id="${w.unsentSession}"]`);
    expect(unsent).toContain('送信失敗');
    expect(unsent).not.toContain('送信済み');
    expect(await page.$eval(`#health-table th[data-session-id="${w.unsentSession}"]`, (th) => (th as HTMLElement).innerText)).toContain('送信失敗');

    await page.goto(`${w.server.base}/admin/persons/${w.personId}/edit`);
    expect(await page.inputValue('input[name=phone]')).toBe('090-0000-0001');
    await page.fill('input[name=phone]', '０９０ー１１１１－２２２２');
    await Promise.all([page.waitForURL(/saved=1/), page.click('#person-form button[type=submit]')]);
    expect(await text('#person-phone')).toBe('090-1111-2222');
    await page.goto(`${w.server.base}/admin/persons/${w.personId}/edit`);
    await page.fill('input[name=phone]', '090−0000‐0001');
    await Promise.all([page.waitForURL(/saved=1/), page.click('#person-form button[type=submit]')]);
    expect(await text('#person-phone')).toBe('090-0000-0001');
    expect(problems, problems.join('\n')).toEqual([]);
  }, 60_000);

  it('orders the triage queue by severity then time, the live stream too, with the waiting time and nothing wrapping', async () => {
    await page.goto(`${w.server.base}/admin`);
    await page.waitForSelector('#live-state[data-state="on"]', { timeout: 10_000 });
    const order = () => page.$$eval('#queue-rows tr', (trs) => trs.map((tr) => [tr.getAttribute('data-alert-id'), tr.getAttribute('data-severity')]));
    const before = await order();
    expect(before.map((r) => r[1])).toEqual(['red', 'red', 'red', 'amber']);
    expect(before.map((r) => r[0]).at(-1)).toBe(w.otherAlerts.amber);
    const waits = await page.$$eval('#queue-rows [data-waiting-since]', (s) => s.map((x) => (x as HTMLElement).innerText));
    expect(waits).toContain('1時間55分待ち'); // the red alert raised at 08:05, seen at 10:00
    // 「未対応」 on one line in every row: the badge is no taller than one line of text.
    const heights = await page.$$eval('#queue-rows td:nth-child(6) .badge', (bs) => bs.map((b) => b.getBoundingClientRect().height));
    for (const h of heights) expect(h).toBeLessThan(30);
    // A new red alert arrives by the live stream: it goes among the reds, above the amber, not at the bottom.
    const fresh = await makeAlert(w.deps, w.personId, { severity: 'red', key: 'design:new-red' });
    await page.waitForSelector(`#queue-rows tr[data-alert-id="${fresh}"]`, { timeout: 10_000 });
    const after = await order();
    expect(after.map((r) => r[1])).toEqual(['red', 'red', 'red', 'red', 'amber']);
    expect(after.findIndex((r) => r[0] === fresh)).toBeLessThan(after.findIndex((r) => r[0] === w.otherAlerts.amber));
    await shot(page, 'console-design-triage');
    expect(problems, problems.join('\n')).toEqual([]);
  }, 60_000);

  it('fits a phone: no page-wide sideways scrolling on the alert, person and triage pages', async () => {
    const phone = await w.nursePage(375);
    for (const path of [`/admin/alerts/${w.alertId}`, `/admin/persons/${w.personId}`, '/admin']) {
      await phone.goto(`${w.server.base}${path}`);
      // clientWidth, not innerWidth: on a phone the browser zooms out to whatever overflows, so innerWidth grows with it.
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, path).toBeLessThanOrEqual(2);
    }
    await shot(phone, 'console-design-triage-phone');
    await phone.context().close();
  }, 60_000);
});
