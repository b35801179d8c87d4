import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSessions, notifications, persons } from '../../db/schema';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makeStaff } from '../admin/support';
import { consolePage, launchChromium, shot, signInToConsole, startServer } from './web-support';

/**
 * The intake's main path in Chromium: a national officer creates a health centre and a
 * medical institution from the console; a clinician of that institution files a 発生届;
 * it appears live in the centre's 「届出受理」 queue that a nurse has open; the nurse
 * accepts it and the person exists, with their first check created at the next round.
 * Screenshots: test-output/screenshots/intake-*.png.
 */
describe('intake in a browser: centre, institution, 発生届', () => {
  let deps: TestDeps;
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  const problems: string[] = [];
  const newPage = () => consolePage(browser, problems, { height: 1000 });

  beforeAll(async () => {
    deps = await createTestDeps({ WORKERS: 'off' });
    await makeStaff(deps, { email: 'nat@intake.jp', role: 'national_officer', jurisdictionCode: 'JP' });
    server = await startServer(deps);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await deps?.close();
  });

  it('creates a centre and an institution, files a notification and accepts it', async () => {
    const admin = await newPage();
    await signInToConsole(admin, server.base, 'nat@intake.jp', { totp: true });
    await admin.click('nav a[href="/admin/centres"]');
    await admin.fill('#new-centre input[name=code]', '13-intake');
    await admin.selectOption('#new-centre select[name=parentCode]', '13');
    await admin.fill('#new-centre input[name=nameJa]', '取込区保健所');
    await admin.fill('#new-centre input[name=nameEn]', 'Intake Ward Health Centre');
    await admin.fill('#new-centre input[name=phone]', '03-5000-0000');
    await admin.fill('#new-centre input[name=afterHoursPhone]', '03-5000-9999');
    await Promise.all([admin.waitForURL(/\/admin\/centres\/13-intake\?created=1$/), admin.click('#new-centre button[type=submit]')]);
    expect(await admin.textContent('.flash')).toContain('保健所を追加しました');
    await shot(admin, 'intake-centre');

    await admin.click('nav a[href="/admin/institutions"]');
    await admin.fill('#new-institution input[name=code]', '13-1-0000011');
    await admin.fill('#new-institution input[name=name]', '取込クリニック');
    await admin.selectOption('#new-institution select[name=centreCode]', '13-intake');
    await Promise.all([admin.waitForLoadState('load'), admin.click('#new-institution button[type=submit]')]);
    expect(await admin.textContent('#institutions')).toContain('1310000011');
    await shot(admin, 'intake-institution');

    // Staff of the new centre and institution (invitations are another part of the console).
    await makeStaff(deps, { email: 'doc@intake.jp', role: 'clinician', institutionCode: '1310000011' });
    await makeStaff(deps, { email: 'nurse@intake.jp', role: 'nurse', jurisdictionCode: '13-intake' });

    const nurse = await newPage();
    await signInToConsole(nurse, server.base, 'nurse@intake.jp');
    await nurse.click('nav a[href="/admin/notifications"]');
    await nurse.waitForSelector('#notification-lists[data-live="on"]');

    const doc = await newPage();
    await signInToConsole(doc, server.base, 'doc@intake.jp');
    await doc.click('nav a[href="/admin/notifications"]');
    await doc.click('#new-notification');
    await doc.fill('input[name=name]', '取込 花子');
    await doc.fill('input[name=nameKana]', 'トリコミ ハナコ');
    await doc.selectOption('select[name=sex]', 'female');
    await doc.fill('input[name=dateOfBirth]', '1955-03-03');
    await doc.fill('input[name=phone]', '090-4321-8765');
    await doc.selectOption('select[name=diagnosisClass]', 'confirmed');
    // Filed without the address: refused at its field in Japanese, nothing typed lost.
    await Promise.all([doc.waitForLoadState('load'), doc.click('#notification-form button[value=submit]')]);
    expect(await doc.textContent('#err-address')).toContain('住所を入力してください');
    expect(await doc.inputValue('input[name=name]')).toBe('取込 花子');
    await shot(doc, 'intake-notification-error');
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' });
    await doc.fill('input[name=address]', '東京都取込区1-2-3');
    await doc.fill('input[name=diagnosisDate]', today);
    await doc.fill('input[name=onsetDate]', today);
    await doc.fill('input[name=specimenDate]', today);
    await doc.selectOption('select[name=testMethod]', 'pcr');
    await doc.selectOption('select[name=testResult]', 'positive');
    await doc.selectOption('select[name=admitted]', 'false');
    await doc.check('input[name=symptoms][value=fever]');
    await Promise.all([doc.waitForURL(/\/admin\/notifications\/[0-9a-f-]{36}\?saved=submitted$/), doc.click('#notification-form button[value=submit]')]);
    expect(await doc.getAttribute('#notification-status', 'data-status')).toBe('submitted');

    // Live: the nurse's open queue shows it without a reload.
    const row = await nurse.waitForSelector('#notification-queue tr[data-status=submitted]', { timeout: 10_000 });
    expect(await row.textContent()).toContain('取込 花子');
    expect(await nurse.isVisible('#new-notification-banner')).toBe(true);
    await shot(nurse, 'intake-queue');
    await Promise.all([nurse.waitForLoadState('load'), nurse.click('#notification-queue a')]);
    expect(await nurse.textContent('#no-duplicates')).toBeTruthy();
    await Promise.all([nurse.waitForLoadState('load'), nurse.click('#accept-form button[type=submit]')]);
    expect(await nurse.textContent('.flash')).toContain('受理しました');
    await shot(nurse, 'intake-accepted');

    const [n] = await deps.db.select().from(notifications);
    expect(n!.status).toBe('accepted');
    const [p] = await deps.db.select().from(persons).where(eq(persons.id, n!.personId!));
    expect(p).toMatchObject({ name: '取込 花子', nameKana: 'トリコミ ハナコ', phone: '+819043218765', status: 'home_recuperation' });
    // Nobody types the person again: the next morning's round gives them their first check.
    const tomorrow9 = new Date(`${today}T09:05:00+09:00`).getTime() + 86_400_000;
    await runTick(deps, new Date(tomorrow9));
    expect((await deps.db.select().from(checkSessions).where(eq(checkSessions.personId, p!.id))).length).toBe(1);

    // The clinician sees it accepted.
    await doc.reload();
    expect(await doc.getAttribute('#notification-status', 'data-status')).toBe('accepted');
    expect(problems, problems.join('\n')).toEqual([]);
  }, 90_000);
});
