import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCentre, makeStaff } from '../admin/support';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createPerson } from '../support/fixtures';
import { type ConsoleSession, openConsole, shot } from './web-support';
import { eq } from 'drizzle-orm';
import { jurisdictions, persons } from '../../db/schema';
import { systemActor, withTransaction } from '../../src/domain/context';
import { facilityRoundKeys, issueFacilityRoundLink } from '../../src/domain/facilities/facility-round';
import { addFacilityResident, createFacility } from '../../src/domain/facilities/facility-verbs';

/**
 * The facility console pages in Chromium, as a nurse: register a care home with a staff
 * contact, move two persons in (one chosen from the centre's list, one by 患者ID), show
 * the round link, let the facility's tablet submit the round (one resident red, one left
 * blank), and see the round state on the facility page and the list. Screenshots:
 * console-facilities-*.png.
 */
describe('facilities in a browser', () => {
  const NOW = new Date('2026-11-24T00:30:00Z'); // 09:30 in Tokyo, during the 09:00 round
  let deps: TestDeps;
  let ui: ConsoleSession;
  let page: Page;

  beforeAll(async () => {
    deps = await createTestDeps({ WORKERS: 'off' }, { now: () => NOW });
    await ensureCentre(deps, '13-951', '新宿区保健所');
    await makeStaff(deps, { email: 'nurse@browser-facilities.jp', role: 'nurse', jurisdictionCode: '13-951' });
    for (const [caseNumber, name, nameKana] of [['FB-1', '施設 花子', 'シセツ ハナコ'], ['FB-2', '施設 太郎', 'シセツ タロウ'], ['FB-3', '在宅 次郎', 'ザイタク ジロウ']] as const) {
      await createPerson(deps.db, '13-951', { caseNumber, name, nameKana, dateOfBirth: '1938-04-01' }, NOW);
    }
    ui = await openConsole(deps, 'nurse@browser-facilities.jp');
    page = ui.page;
  }, 60_000);

  afterAll(async () => {
    await ui?.close();
    await deps?.close();
  });

  it('registers a facility, adds residents, and shows the round state after the facility submits', async () => {
    await page.click('nav a[href="/admin/facilities"]');
    await page.selectOption('#new-facility select[name=kind]', 'care_home');
    await page.fill('#new-facility input[name=name]', 'さくら苑');
    await page.fill('#new-facility input[name=roundTimes]', '09:00 15:00');
    await page.fill('#new-facility input[name="contact.0.name"]', '看護師 田中');
    await page.fill('#new-facility input[name="contact.0.phone"]', '090-1111-2222');
    await page.fill('#new-facility input[name="contact.0.email"]', 'tanaka@sakura.example.jp');
    await Promise.all([page.waitForURL(/\/admin\/facilities\/[0-9a-f-]{36}/), page.click('#new-facility button[type=submit]')]);
    expect(await page.textContent('p.flash')).toContain('施設を登録しました');
    const facilityUrl = page.url().split('?')[0]!;

    // One resident chosen from the centre's list, one by 患者ID.
    await page.selectOption('#add-resident select[name=personId]', { label: 'FB-1 施設 花子' });
    await page.fill('#add-resident input[name=room]', '101');
    await Promise.all([page.waitForLoadState('load'), page.click('#add-resident button[type=submit]')]);
    await page.fill('#add-resident input[name=caseNumber]', 'FB-2');
    await page.fill('#add-resident input[name=room]', '102');
    await Promise.all([page.waitForLoadState('load'), page.click('#add-resident button[type=submit]')]);
    const residents = await page.locator('#facility-residents tbody tr').allInnerTexts();
    expect(residents.map((r) => r.split('\t').slice(0, 3).join(' '))).toEqual(['101 FB-1 施設 花子', '102 FB-2 施設 太郎']);

    // The round link, shown on request; the facility's tablet opens it and submits the round.
    await Promise.all([page.waitForLoadState('load'), page.click('#facility-link form[action$="/link"] button')]);
    const link = (await page.textContent('#round-link code'))!.replace('http://localhost:3000', ui.server.base);
    await shot(page, 'console-facilities-page-link');
    const tablet = await ui.browser.newPage({ viewport: { width: 1024, height: 768 }, locale: 'ja-JP', javaScriptEnabled: false });
    await tablet.goto(link);
    const ids = await tablet.locator('input[name^="t."]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).name.slice(2)));
    expect(ids).toHaveLength(2);
    await tablet.fill(`input[name="t.${ids[0]}"]`, '37.4');
    await tablet.fill(`input[name="o.${ids[0]}"]`, '91'); // SpO2 ≤ 93: red
    await Promise.all([tablet.waitForLoadState('load'), tablet.click('button[type=submit]')]);
    await tablet.close();

    await page.goto(facilityUrl);
    const round = await page.locator('#facility-rounds tbody tr').first().innerText();
    expect(round).toContain('入力 1/2');
    expect(round).toContain('施設 太郎'); // not entered
    expect(round).toContain('施設 花子 緊急');
    await shot(page, 'console-facilities-page');

    await page.click('nav a[href="/admin/facilities"]');
    const row = await page.locator('#facilities tbody tr').first().innerText();
    expect(row).toContain('さくら苑');
    expect(row).toContain('介護施設');
    expect(row).toContain('2人');
    expect(row).toContain('09:00 入力 1/2');
    await shot(page, 'console-facilities-list');

    // English second.
    await page.click('a.lang');
    expect(await page.textContent('h1')).toContain('Facilities');
    expect(await page.locator('#facilities tbody tr').first().innerText()).toContain('entered 1/2');
    await shot(page, 'console-facilities-list-en');
    await page.goto(facilityUrl);
    expect(await page.locator('#facility-rounds tbody tr').first().innerText()).toContain('entered 1/2');
    await shot(page, 'console-facilities-page-en');
    expect(ui.problems).toEqual([]);
  }, 120_000);

  it('a facility account at tablet width: invited from the facility page, sets its password, lands on its round and submits it', async () => {
    const tx = <T,>(fn: Parameters<typeof withTransaction<T>>[2]) => withTransaction(deps.db, { actor: systemActor('test'), now: NOW }, fn);
    const [centre] = await deps.db.select({ id: jurisdictions.id }).from(jurisdictions).where(eq(jurisdictions.code, '13-951'));
    const { id: facilityId } = await tx((ctx) => createFacility({ ctx, input: { responsibleCentreId: centre!.id, kind: 'group_home', name: 'ひだまりホーム', roundTimes: ['09:00'] } }));
    const [person] = await deps.db.select({ id: persons.id }).from(persons).where(eq(persons.caseNumber, 'FB-3'));
    await tx((ctx) => addFacilityResident({ ctx, input: { facilityId, personId: person!.id, room: '201' } }));
    await tx((ctx) => issueFacilityRoundLink({ ctx, input: { facilityId }, keys: facilityRoundKeys(deps.env) }));

    await page.goto(`${ui.server.base}/admin/facilities/${facilityId}`);
    await page.fill('#invite-account input[name=email]', 'hidamari@care.example.jp');
    await page.fill('#invite-account input[name=displayName]', 'ひだまり 日勤');
    await Promise.all([page.waitForLoadState('load'), page.click('#invite-account button[type=submit]')]);
    const invite = (await page.textContent('#account-invited code'))!.replace('http://localhost:3000', ui.server.base);

    const tablet = await ui.browser.newPage({ viewport: { width: 800, height: 1280 }, locale: 'ja-JP', javaScriptEnabled: false });
    await tablet.goto(invite);
    await tablet.fill('input[name=password]', 'hidamari tablet passphrase');
    await tablet.fill('input[name=confirm]', 'hidamari tablet passphrase');
    await Promise.all([tablet.waitForURL(/\/admin\/facility-rounds$/), tablet.click('#enrol-form button[type=submit]')]);
    expect(await tablet.locator('nav[aria-label=main] a').allInnerTexts()).toEqual(['施設報告']);
    await Promise.all([tablet.waitForURL(/\/admin\/facility-rounds\/[0-9a-f-]{36}$/), tablet.click('#facility-round-list a')]);
    expect(await tablet.textContent('h1')).toContain('ひだまりホーム');
    await tablet.fill('input[name^="t."]', '36.7');
    await tablet.fill('input[name^="o."]', '97');
    await shot(tablet, 'console-facilities-account-tablet');
    await Promise.all([tablet.waitForLoadState('load'), tablet.click('form[action^="/admin/facility-rounds/"] button[type=submit]')]);
    expect(await tablet.textContent('.done')).toContain('記入 1 名・未記入 0 名');
    await shot(tablet, 'console-facilities-account-done');
    await tablet.close();
  }, 60_000);
});
