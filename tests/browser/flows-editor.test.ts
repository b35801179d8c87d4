import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { getFlowVersion } from '../../src/domain/flows/flow-queries';
import { createTestDeps, type TestDeps } from '../support/deps';
import { ensureCentre, makeStaff } from '../admin/support';
import path from 'node:path';
import { type ConsoleSession, openConsole, SCREENSHOTS, shot, signInToConsole } from './web-support';

/** The long editor page: the viewport (where the problem was scrolled to) or one section. */
const shotOf = (page: Page, name: string, selector?: string) =>
  selector ? page.locator(selector).screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) }) : page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });

/**
 * The flow editor in Chromium, as a centre administrator: create a draft, make a mistake
 * and see it at the field, fix it, see the diff, try the draft in the simulator as an SMS
 * thread and a LINE chat; a national officer (second factor) publishes it, since patient-daily
 * is national. Then the administrator creates the centre's own flow and publishes it.
 * Screenshots: test-output/screenshots/flows-*.png.
 */
describe('flow editor in a browser', () => {
  let deps: TestDeps;
  let ui: ConsoleSession;
  let page: Page;

  beforeAll(async () => {
    deps = await createTestDeps({ WORKERS: 'off' });
    await ensureCentre(deps, '13-831');
    await makeStaff(deps, { email: 'admin@browser-flows.jp', role: 'centre_admin', jurisdictionCode: '13-831' });
    await makeStaff(deps, { email: 'nation@browser-flows.jp', role: 'national_officer', jurisdictionCode: 'JP' });
    ui = await openConsole(deps, null, { expected: (t) => t.startsWith('Failed to load resource') });
    page = ui.page;
    // Script errors and CSP refusals; failed requests are checked by status below (a 422 page is expected once).
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      if (r.status() >= 400 && path !== '/favicon.ico' && !(r.status() === 422 && path.endsWith('/form'))) ui.problems.push(`${r.status()} ${path}`);
    });
    page.on('dialog', (d) => void d.accept()); // the publish confirmation
    await signInToConsole(page, ui.server.base, 'admin@browser-flows.jp');
  }, 60_000);
  afterAll(async () => {
    await ui?.close();
    await deps?.close();
  });

  it('edits a draft, shows a validation error at the field, simulates and publishes', async () => {
    await page.goto(`${ui.server.base}/admin/flows`);
    await shot(page, 'flows-01-list');
    await Promise.all([page.waitForURL(/\/admin\/flows\/patient-daily\/versions\/2$/), page.click('form[action="/admin/flows/patient-daily/drafts"] button')]);

    // The outline (issue 18): the questions in the order a person meets them, one open at a time.
    const order = await page.locator('#flow-form .flow-outline').first().locator('details > summary code').allTextContents();
    expect(order.slice(0, 3)).toEqual(['intro', 'temperature', 'oximeter']);
    expect(order.indexOf('done')).toBe(order.indexOf('comment') + 1); // the end of the walk; nodes no path reaches (the group's items) after it
    expect(await page.locator('#g-nodes-intro').getAttribute('open')).not.toBeNull();
    const page0 = await page.evaluate(() => document.documentElement.scrollHeight);
    expect(page0).toBeLessThan(6000); // was 11,800 px with every field open
    await page.click('#g-nodes-temperature > summary');
    expect(await page.locator('#g-nodes-intro').getAttribute('open')).toBeNull(); // <details name>: one at a time
    // Every language of the wording in the form; やさしい日本語 is no longer only in the JSON.
    expect(await page.inputValue('#f-nodes-temperature-text-ja-easy')).toContain('たいおん');
    expect(await page.inputValue('#f-nodes-temperature-text-vi')).toContain('Nhiệt độ');
    expect(await page.inputValue('#f-nodes-temperature-text-ne')).toContain('तापक्रम');
    // Range thresholds are filled and visible: SpO2 94–95, pulse outside 50–120.
    expect(await page.locator('#g-rules-1 > summary').textContent()).toContain('94–95');
    await page.click('#g-rules-1 > summary');
    expect(await page.inputValue('#f-rules-1-between-0')).toBe('94');
    expect(await page.inputValue('#f-rules-1-between-1')).toBe('95');
    const pulseRule = page.locator('details[id^="g-rules-"]', { hasText: 'pulse_abnormal' });
    expect(await pulseRule.locator('summary').textContent()).toContain('< 50 / > 120');
    await page.click('#g-nodes-temperature > summary');

    // A mistake: the English wording of the temperature question left empty; a Thai wording removed.
    await page.fill('#f-nodes-temperature-text-th', '');
    await page.fill('#f-nodes-temperature-text-en', '');
    await page.fill('#f-nodes-temperature-text-ja', '今朝の体温は何度でしたか？');
    await Promise.all([page.waitForLoadState('load'), page.click('#flow-form button[type=submit]')]);
    await page.waitForSelector('#f-nodes-temperature-text-en-err');
    expect(await page.getAttribute('#f-nodes-temperature-text-en', 'aria-invalid')).toBe('true');
    expect(await page.textContent('#f-nodes-temperature-text-en-err')).toContain('翻訳がありません');
    expect(await page.inputValue('#f-nodes-temperature-text-ja')).toBe('今朝の体温は何度でしたか？');
    // flow-editor.js brings the first problem into view and focus.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-nodes-temperature-text-en');
    await shotOf(page, 'flows-02-validation-error');

    await page.fill('#f-nodes-temperature-text-en', 'What was your temperature this morning?');
    await Promise.all([page.waitForURL(/done=saved/), page.click('#flow-form button[type=submit]')]);
    // The removed Thai is marked missing, in the field and in the question's outline line.
    await page.click('#g-nodes-temperature > summary');
    expect(await page.locator('label.missing-lang.lang-th').count()).toBe(1);
    // 未翻訳 3: the Thai, and the SMS and voice wordings in やさしい日本語 (which fall back to the Japanese ones).
    expect(await page.locator('#g-nodes-temperature > summary .badge.missing').textContent()).toContain('未翻訳 3');
    await shotOf(page, 'flows-02b-outline-languages', '#flow-form');
    expect(await page.textContent('.flash')).toContain('下書きを保存しました');
    expect(await page.locator('#diff code', { hasText: 'nodes.temperature.text.ja' }).count()).toBe(1);

    // The SMS and voice wordings, in every language, beside each base wording (issue 18): were only in the JSON.
    const openTemperature = async (p: Page) => {
      if ((await p.locator('#g-nodes-temperature').getAttribute('open')) === null) await p.click('#g-nodes-temperature > summary');
    };
    await openTemperature(page);
    expect(await page.isVisible('#f-nodes-temperature-text-channels-sms-ja')).toBe(true);
    const top = (id: string) => page.locator(`#${id}`).evaluate((el) => Math.round(el.getBoundingClientRect().top));
    expect(await top('f-nodes-temperature-text-channels-sms-ja')).toBe(await top('f-nodes-temperature-text-ja')); // one row
    expect(await page.textContent('#g-nodes-temperature label[data-channel="sms"].lang-ja')).toContain('SMS用の文言 — 日本語');
    expect(await page.inputValue('#f-nodes-temperature-text-channels-voice-vi')).not.toBe('');
    expect(await page.locator('#g-nodes-temperature label.missing-lang.channel-sms.lang-ja-easy').count()).toBe(1); // やさしい日本語 SMS: 未翻訳
    // Too long for two SMS parts: refused at the field in Japanese, what was typed kept, nothing saved.
    const tooLong = '今朝の体温を数字だけで送ってください。'.repeat(8);
    await page.fill('#f-nodes-temperature-text-channels-sms-ja', tooLong);
    await page.fill('#f-nodes-temperature-text-channels-sms-ja-easy', 'けさ の たいおん を すうじ で おくって ください');
    await Promise.all([page.waitForLoadState('load'), page.click('#flow-form button[type=submit]')]);
    await page.waitForSelector('#f-nodes-temperature-text-channels-sms-ja-err');
    expect(await page.textContent('#f-nodes-temperature-text-channels-sms-ja-err')).toContain('SMS用の文言が長すぎます（152文字、SMS 3通分）');
    expect(await page.inputValue('#f-nodes-temperature-text-channels-sms-ja')).toBe(tooLong);
    expect(await page.inputValue('#f-nodes-temperature-text-channels-sms-ja-easy')).toBe('けさ の たいおん を すうじ で おくって ください');
    await shotOf(page, 'flows-02c-channel-wordings-error', '#g-nodes-temperature');
    await page.fill('#f-nodes-temperature-text-channels-sms-ja', '今朝の体温を数字で送ってください（例: 36.8）');
    await Promise.all([page.waitForURL(/done=saved/), page.click('#flow-form button[type=submit]')]);
    const saved = (await getFlowVersion(deps.db, 'patient-daily', 2)).definition as { nodes: { temperature: { text: { ja: string; channels: { sms: Record<string, string> } } } } };
    expect(saved.nodes.temperature.text.channels.sms.ja).toBe('今朝の体温を数字で送ってください（例: 36.8）');
    expect(saved.nodes.temperature.text.channels.sms['ja-easy']).toBe('けさ の たいおん を すうじ で おくって ください');
    expect(saved.nodes.temperature.text.ja).toBe('今朝の体温は何度でしたか？'); // the base wording as it was
    await openTemperature(page);
    await shotOf(page, 'flows-02d-channel-wordings', '#g-nodes-temperature');
    const phone = await (await ui.browser.newContext({ viewport: { width: 375, height: 800 }, deviceScaleFactor: 2, isMobile: true, locale: 'ja-JP', storageState: await page.context().storageState() })).newPage();
    await phone.goto(`${ui.server.base}/admin/flows/patient-daily/versions/2`);
    await openTemperature(phone);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(2);
    await phone.locator('#g-nodes-temperature').screenshot({ path: path.join(SCREENSHOTS, 'flows-02e-channel-wordings-phone.png') });
    await phone.context().close();

    // The JSON editor flags a syntax slip as it is typed.
    await page.locator('#definition-json').press('End');
    await page.locator('#definition-json').type(',');
    expect(await page.textContent('#json-error')).toContain('JSON の構文エラー');

    // The simulator: an SMS thread with a fever, then a LINE chat with quick replies.
    await page.selectOption('#sim-channel', 'sms');
    await page.fill('#sim-inputs', '39.2\n93\nはい'); // 93 % is read back; confirmed, it is red
    await Promise.all([page.waitForLoadState('load'), page.click('#sim-run')]);
    await page.waitForSelector('.transcript-sms');
    expect(await page.locator('.transcript-sms .sms-bubble.patient').allTextContents()).toEqual(['39.2', '93', 'はい']);
    expect(await page.locator('#sim-flags li').count()).toBeGreaterThan(0);
    expect(await page.locator('.transcript-sms').textContent()).toContain('今朝の体温を数字で送ってください（例: 36.8）'); // the SMS wording edited in the form
    // The urgent advice names the administrator's own centre and number, not a sample one.
    expect(await page.locator('.transcript-sms').textContent()).toContain('13-831保健所（03-0000-0000）');
    await shotOf(page, 'flows-03-simulator-sms', '#simulator');
    // The web check in the simulator too.
    await page.selectOption('#sim-channel', 'web');
    await page.fill('#sim-inputs', '36.8\n97');
    await Promise.all([page.waitForLoadState('load'), page.click('#sim-run')]);
    await page.waitForSelector('.sim-result[data-channel="web"]');
    expect(await page.locator('.sim-result[data-channel="web"]').textContent()).toContain('今朝の体温は何度でしたか？');
    await page.selectOption('#sim-channel', 'line');
    await page.fill('#sim-inputs', '36.8\n97\n72');
    await Promise.all([page.waitForLoadState('load'), page.click('#sim-run')]);
    await page.waitForSelector('.transcript-line');
    expect(await page.locator('.transcript-line .line-bubble.bot').first().textContent()).toBeTruthy();
    expect(await page.locator('.transcript-line').textContent()).toContain('今朝の体温は何度でしたか？');
    expect(await page.locator('.quick-reply').count()).toBeGreaterThan(0);
    await shotOf(page, 'flows-04-simulator-line', '#simulator');

    // patient-daily is a national flow: the centre administrator cannot publish it; a national officer does.
    expect(await page.$('#publish')).toBeNull();
    expect(await page.textContent('.flow-actions')).toContain('公開できるのは国の担当者のみです');
    const officer = await (await ui.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' })).newPage();
    officer.on('dialog', (d) => void d.accept());
    await signInToConsole(officer, ui.server.base, 'nation@browser-flows.jp', { totp: true }); // an officer: the second factor
    await officer.goto(`${ui.server.base}/admin/flows/patient-daily/versions/2`);
    await Promise.all([officer.waitForURL(/done=published/), officer.click('#publish')]);
    expect(await officer.textContent('.flash')).toContain('第2版を公開しました');
    expect((await getFlowVersion(deps.db, 'patient-daily', 2)).status).toBe('published');
    await shotOf(officer, 'flows-05-published');

    // A flow of the centre's own: created on the list page (a copy of a national flow), then
    // published by the centre administrator, since the centre owns it.
    await page.goto(`${ui.server.base}/admin/flows`);
    await page.fill('#new-flow-key', 'browser-831');
    await page.fill('#new-flow-nameJa', '831保健所の健康観察');
    await page.fill('#new-flow-nameEn', 'Centre 831 daily check');
    await page.selectOption('#new-flow-from', 'patient-daily');
    await shotOf(page, 'flows-06-new-flow-form', '#new-flow');
    await Promise.all([page.waitForURL(/\/admin\/flows\/browser-831\/versions\/1$/), page.click('#new-flow-submit')]);
    expect(await page.textContent('.flow-owner')).toContain('13-831保健所');
    await Promise.all([page.waitForURL(/done=published/), page.click('#publish')]);
    expect(await page.textContent('.flash')).toContain('第1版を公開しました');
    expect((await getFlowVersion(deps.db, 'browser-831', 1)).status).toBe('published');
    await shotOf(page, 'flows-07-centre-flow-published');
    expect(ui.problems, ui.problems.join('\n')).toEqual([]);
  }, 180_000);
});
