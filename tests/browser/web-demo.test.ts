import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPerson } from '../support/fixtures';
import { makeStaff, PASSWORD } from '../admin/support';
import { launchChromium, nonceOf, questionId, shot, startServer, waitForNextStep } from './web-support';

/**
 * The demo without any provider account, end to end: a nurse opens a person in the console,
 * presses 「患者として試す」, answers the web check red in the new tab, and the red alert
 * appears on the triage screen that was open all along (no reload).
 */
describe('demo: try as the patient, answer red, see the alert in the console', () => {
  let deps: TestDeps;
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  let personId: string;

  beforeAll(async () => {
    deps = await createTestDeps({ WORKERS: 'off' });
    await createCentre(deps.db, { code: 'demo-centre', phone: '03-5273-3000' });
    await makeStaff(deps, { email: 'nurse@demo-centre.example', role: 'nurse', jurisdictionCode: 'demo-centre' });
    ({ id: personId } = await createPerson(deps.db, 'demo-centre', { name: '見守 太郎', hasOximeter: true, dateOfBirth: '1958-04-02', preferredChannel: 'web' }));
    server = await startServer(deps);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await deps?.close();
  });

  it('the red answer appears on the triage screen', async () => {
    // The nurse on a desktop; the patient's tab is then sized like a small phone.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
    const console_ = await context.newPage();
    await console_.goto(`${server.base}/admin/login`);
    await console_.fill('input[name=email]', 'nurse@demo-centre.example');
    await console_.fill('input[name=password]', PASSWORD);
    await Promise.all([console_.waitForURL(`${server.base}/admin`), console_.click('button[type=submit]')]);
    expect(await console_.locator(`tr[data-severity=red]`).count()).toBe(0);

    // The person page, then 「患者として試す」: the patient's page opens in a new tab.
    const personPage = await context.newPage();
    await personPage.goto(`${server.base}/admin/persons/${personId}`);
    const [patient] = await Promise.all([context.waitForEvent('page'), personPage.click('#try-as-patient')]);
    await patient.setViewportSize({ width: 375, height: 667 });
    await patient.waitForSelector('#question');
    expect(new URL(patient.url()).pathname).toMatch(/^\/c\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    await shot(patient, 'web-11-demo-try-as-patient');

    const answer = async (fill: string | null, button: string) => {
      const before = await nonceOf(patient);
      if (fill !== null) await patient.fill('#answer', fill);
      await patient.click(button);
      await waitForNextStep(patient, before);
    };
    expect(await questionId(patient)).toBe('temperature');
    await answer('37.9', 'button.primary');
    await answer('91', 'button.primary');
    await answer(null, 'button.choice-yes'); // 「91%で正しいですか？」
    expect(await patient.locator('.urgent[role=alert]').count()).toBe(1);

    // The triage screen, open since before the answer, shows the red alert without a reload.
    await console_.bringToFront();
    await console_.waitForSelector('tr[data-severity=red]', { timeout: 20_000 });
    expect(await console_.locator('tr[data-severity=red]').first().innerText()).toContain('見守 太郎');
    await shot(console_, 'web-12-demo-triage-red-alert');
    await context.close();
  }, 120_000);
});
