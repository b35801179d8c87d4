import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { SESSION_COOKIE } from '../../src/admin/auth/cookies';
import { systemActor, withTransaction } from '../../src/domain/context';
import { createStaffSession } from '../../src/domain/staff/sessions';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makeStaff } from '../admin/support';
import { launchChromium, shot, startServer } from './web-support';

/**
 * Bull Board in Chromium, as a signed-in national officer (console session cookie, TOTP
 * passed): its Pause and Resume buttons go through the console's CSRF protection (the
 * board's client echoes the XSRF-TOKEN cookie) and are audited.
 * Screenshot: test-output/screenshots/queues-board-paused.png.
 */
describe('the job-queue board in a browser', () => {
  let deps: TestDeps;
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  let page: Page;
  const refused: string[] = [];

  beforeAll(async () => {
    deps = await createTestDeps({ WORKERS: 'off' });
    const staffId = await makeStaff(deps, { email: 'national@browser-board.jp', role: 'national_officer', jurisdictionCode: 'JP' });
    const { cookie } = await withTransaction(deps.db, { actor: systemActor('test'), now: new Date() }, (ctx) => createStaffSession(ctx, { staffId, mfaPassed: true }));
    server = await startServer(deps);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    await context.addCookies([{ name: SESSION_COOKIE, value: cookie, domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Lax' }]);
    page = await context.newPage();
    page.on('response', (r) => r.request().method() !== 'GET' && r.status() >= 400 && refused.push(`${r.status()} ${r.url()}`));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await deps?.close();
  });

  const paused = () => deps.jobs.inspectionQueues().find((q) => q.name === 'dispatch-sms')!.isPaused();

  /** Choose a queue action in the queue's ⋮ menu and confirm it. */
  async function queueAction(name: 'Pause' | 'Resume') {
    await page.locator('main button, button').last().click(); // the queue's ⋮ menu, right of the status tabs
    await page.getByRole('menuitem', { name, exact: true }).click();
    const confirm = page.getByRole('button', { name: 'Confirm' });
    // The board asks to confirm queue actions unless that setting was turned off.
    if (await confirm.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false)) await confirm.click();
  }

  it('pauses and resumes a queue from its page; both are audited', async () => {
    await page.goto(`${server.base}/admin/queues/queue/dispatch-sms`);
    // The board polls its API, so the network is rarely idle on a busy machine: wait for the queue's status tabs instead.
    await page.getByText('Delayed', { exact: false }).first().waitFor({ timeout: 30_000 });
    await queueAction('Pause');
    await expect.poll(paused, { timeout: 10_000 }).toBe(true);
    await shot(page, 'queues-board-paused');
    await queueAction('Resume');
    await expect.poll(paused, { timeout: 10_000 }).toBe(false);
    expect(refused).toEqual([]);
    const rows = await queryRows<{ action: string; entity_id: string }>(deps.db, sql`select action, entity_id from audit_log where entity = 'job_queue' order by id`);
    expect(rows).toEqual([
      { action: 'queue.pause', entity_id: 'dispatch-sms' },
      { action: 'queue.resume', entity_id: 'dispatch-sms' },
    ]);
  });
});
