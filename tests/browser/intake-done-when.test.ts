import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSessions, notifications, persons, staffUsers } from '../../db/schema';
import { systemActor, withTransaction } from '../../src/domain/context';
import { ensureFirstAdmin } from '../../src/domain/staff/ensure-admin';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { lineListCsv } from '../support/line-list';
import { consolePage, enrolTotp, launchChromium, shot, signInToConsole, startServer } from './web-support';

const ADMIN = { email: 'first-admin@done.jp', password: 'first admin chose this long one' };

/**
 * Issue 15's "done when", once, end to end in Chromium on a fresh app (no demo data): the
 * first administrator (created as a first start creates it from ADMIN_EMAIL) creates a
 * centre and an institution, invites a nurse and a clinician (CSV), who enrol from their
 * one-time links with a password and TOTP; the nurse imports 1,000 persons from a Shift_JIS
 * CSV with Japanese headers and era birth dates (three bad rows reported, 997 created) and
 * the same file again changes nothing; the clinician files a 発生届, the nurse accepts it,
 * and the next round gives the person their first check — nobody typed their data again.
 * One browser, one context per person; each step's own details are tested elsewhere
 * (console-intake, console-import, staff-invitations).
 */
describe('into service at a surge, end to end', () => {
  let deps: TestDeps;
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  const problems: string[] = [];
  const dir = tmpdir();
  const newPage = () => consolePage(browser, problems, { height: 1000 });

  beforeAll(async () => {
    deps = await createTestDeps({ WORKERS: 'off', PUBLIC_BASE_URL: 'http://127.0.0.1' });
    await withTransaction(deps.db, { actor: systemActor('first-start'), now: deps.now() }, (ctx) => ensureFirstAdmin(ctx, ADMIN.email, ADMIN.password));
    deps.jobs.startWorkers(deps, { queues: ['imports'], scheduler: false });
    server = await startServer(deps);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await deps?.close();
  });

  it('first administrator → centre, institution, invitations → enrolment → 1,000 persons imported twice → 発生届 accepted → first check', async () => {
    expect(await deps.db.select({ n: sql<number>`count(*)::int` }).from(persons)).toEqual([{ n: 0 }]);
    expect((await deps.db.select().from(staffUsers)).map((s) => s.email)).toEqual([ADMIN.email]);

    // The first administrator signs in and enrols TOTP.
    const admin = await newPage();
    await signInToConsole(admin, server.base, ADMIN.email, { password: ADMIN.password, totp: true });

    // A centre and an institution, from the console.
    await admin.goto(`${server.base}/admin/centres`);
    await admin.fill('#new-centre input[name=code]', '13-done');
    await admin.selectOption('#new-centre select[name=parentCode]', '13');
    await admin.fill('#new-centre input[name=nameJa]', '完了区保健所');
    await admin.fill('#new-centre input[name=nameEn]', 'Done Ward Health Centre');
    await admin.fill('#new-centre input[name=phone]', '03-5100-0000');
    await Promise.all([admin.waitForURL(/\/admin\/centres\/13-done\?created=1$/), admin.click('#new-centre button[type=submit]')]);
    await admin.goto(`${server.base}/admin/institutions`);
    await admin.fill('#new-institution input[name=code]', '13-1-0000029');
    await admin.fill('#new-institution input[name=name]', '完了クリニック');
    await admin.selectOption('#new-institution select[name=centreCode]', '13-done');
    await Promise.all([admin.waitForLoadState('load'), admin.click('#new-institution button[type=submit]')]);
    expect(await admin.textContent('#institutions')).toContain('1310000029');

    // A nurse and a clinician invited from a CSV: each link shown once.
    const staffCsv = path.join(dir, `done-staff-${process.pid}.csv`);
    await writeFile(staffCsv, 'email,name,role,jurisdiction,institution\nnurse@done.jp,完了 看護師,nurse,13-done,\ndoc@done.jp,完了 医師,clinician,,1310000029\n');
    await admin.goto(`${server.base}/admin/staff/invitations`);
    await admin.setInputFiles('#invite-csv input[name=file]', staffCsv);
    await Promise.all([admin.waitForLoadState('load'), admin.click('#invite-csv button[type=submit]')]);
    const links = await admin.locator('[data-enrol-link]').allTextContents();
    expect(links).toHaveLength(2);
    await shot(admin, 'done-when-invitations');

    // Each enrols: their own password, then TOTP.
    const enrol = async (link: string, password: string) => {
      const page = await newPage();
      await page.goto(`${server.base}${new URL(link.trim()).pathname}`);
      await page.fill('input[name=password]', password);
      await page.fill('input[name=confirm]', password);
      await Promise.all([page.waitForURL(/\/admin\/login\/totp/), page.click('form button[type=submit]')]);
      await enrolTotp(page, server.base);
      expect(new URL(page.url()).pathname).toBe('/admin');
      return page;
    };
    const nurse = await enrol(links[0]!, 'the nurse picked this passphrase');
    const doc = await enrol(links[1]!, 'the clinician picked this one');

    // The nurse imports 1,000 persons from a Shift_JIS CSV; then the same file again.
    const lineList = path.join(dir, `done-line-list-${process.pid}.csv`);
    await writeFile(lineList, lineListCsv(1000, { prefix: 'DONE', bad: { 10: 'date', 500: 'phone', 998: 'name' } }));
    const importOnce = async () => {
      await nurse.goto(`${server.base}/admin/imports`);
      await nurse.setInputFiles('input[name=file]', lineList);
      await Promise.all([nurse.waitForURL(/\/admin\/imports\/[0-9a-f-]{36}$/), nurse.click('#upload-form button[type=submit]')]);
      await Promise.all([nurse.waitForLoadState('load'), nurse.click('#start-form button[value=false]')]);
      await nurse.waitForSelector('#import-state[data-status="done"]', { timeout: 180_000 });
      return nurse.textContent('#import-counts');
    };
    expect(await importOnce()).toMatch(/1000 \/ 1000 — 新規 997・更新 0・変更なし 0・エラー 3/);
    expect(await nurse.locator('#import-errors tbody tr').count()).toBe(3);
    await shot(nurse, 'done-when-import');
    expect(await importOnce()).toMatch(/1000 \/ 1000 — 新規 0・更新 0・変更なし 997・エラー 3/);
    expect(await deps.db.select({ n: sql<number>`count(*)::int` }).from(persons)).toEqual([{ n: 997 }]);

    // The clinician files a 発生届; the nurse accepts it from the queue.
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' });
    await doc.goto(`${server.base}/admin/notifications`);
    await doc.click('#new-notification');
    await doc.fill('input[name=name]', '完了 花子');
    await doc.fill('input[name=nameKana]', 'カンリョウ ハナコ');
    await doc.selectOption('select[name=sex]', 'female');
    await doc.fill('input[name=dateOfBirth]', '1955-03-03');
    await doc.fill('input[name=phone]', '090-4321-0001');
    await doc.fill('input[name=address]', '東京都完了区1-2-3');
    await doc.selectOption('select[name=diagnosisClass]', 'confirmed');
    for (const f of ['diagnosisDate', 'onsetDate', 'specimenDate']) await doc.fill(`input[name=${f}]`, today);
    await doc.selectOption('select[name=testMethod]', 'pcr');
    await doc.selectOption('select[name=testResult]', 'positive');
    await doc.selectOption('select[name=admitted]', 'false');
    await doc.check('input[name=symptoms][value=fever]');
    await Promise.all([doc.waitForURL(/\/admin\/notifications\/[0-9a-f-]{36}\?saved=submitted$/), doc.click('#notification-form button[value=submit]')]);
    await nurse.goto(`${server.base}/admin/notifications`);
    await Promise.all([nurse.waitForLoadState('load'), nurse.click('#notification-queue a')]);
    await Promise.all([nurse.waitForLoadState('load'), nurse.click('#accept-form button[type=submit]')]);
    expect(await nurse.textContent('.flash')).toContain('受理しました');
    await shot(nurse, 'done-when-accepted');

    const [n] = await deps.db.select().from(notifications);
    const [p] = await deps.db.select().from(persons).where(eq(persons.id, n!.personId!));
    expect(p).toMatchObject({ name: '完了 花子', phone: '+819043210001', status: 'home_recuperation' });
    // The next morning's round gives the person their first check.
    await runTick(deps, new Date(new Date(`${today}T09:05:00+09:00`).getTime() + 86_400_000));
    expect((await deps.db.select().from(checkSessions).where(eq(checkSessions.personId, p!.id))).length).toBe(1);
    expect(problems, problems.join('\n')).toEqual([]);
  }, 480_000);
});
