import { desc, eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { alerts } from '../../db/schema';
import { answerDailyCheck, makeAlert, makePerson } from '../admin/fixtures';
import { ensureCentre, makeStaff } from '../admin/support';
import { createTestDeps, type TestDeps } from '../support/deps';
import { startCheck } from '../../src/domain/checks/start-check';
import { systemActor, withTransaction } from '../../src/domain/context';
import { recordUnsentOutbound } from '../../src/domain/outbox/outbound-messages';
import { launchChromium, startServer, signInToConsole } from './web-support';

/**
 * A nurse's morning on a fixed clock (no real time of day): a 68-year-old with diabetes and
 * an oximeter who answered four days on LINE — a fever rising 37.6 → 38.4 ℃ for three days, a
 * cough from day 3, a pulse of 125 today — so the engine raised a red alert (fever, raised
 * for age 65+; three days of fever; pulse; worse than yesterday); a manual round today whose
 * prompt could not be sent (no SMS provider), and a web-link notice that failed; two other
 * persons with older alerts for the triage queue.
 */
export async function consoleWorld(centre: string) {
  const clock = { now: new Date('2026-05-01T00:30:00Z') }; // 09:30 in Tokyo
  const deps: TestDeps = await createTestDeps({ WORKERS: 'off' }, { now: () => clock.now });
  const at = (day: number, hhmm: string) => (clock.now = new Date(`2026-05-${String(1 + day).padStart(2, '0')}T${hhmm}:00+09:00`));
  await ensureCentre(deps, centre);
  const email = `nurse@${centre}.world.jp`;
  await makeStaff(deps, { email, role: 'nurse', jurisdictionCode: centre });
  at(0, '09:00');
  const personId = await makePerson(deps, centre, { name: '見守 太郎', nameKana: 'ミマモリ タロウ', dateOfBirth: '1958-01-10', phone: '090-0000-0001', riskFactors: ['diabetes'], hasOximeter: true, caseNumber: 'W-0001' });
  const days: [string, string, string, string][] = [
    ['36.9', '98', '78', 'どれもない'],
    ['37.6', '97', '84', 'どれもない'],
    ['38.0', '96', '96', 'せき'],
    ['38.4', '96', '125', 'せき だるい'],
  ];
  let lastSession = '';
  for (const [i, [temp, spo2, pulse, symptoms]] of days.entries()) {
    at(i, '09:30');
    lastSession = await answerDailyCheck(deps, personId, [temp, spo2, pulse, 'いいえ', 'いいえ', 'いいえ', symptoms, 'なし', 'なし', 'なし']);
  }
  const sys = () => ({ actor: systemActor('world'), now: clock.now });
  at(3, '14:00');
  const { sessionId: unsent } = await withTransaction(deps.db, sys(), (ctx) => startCheck({ ctx, input: { personId, channel: 'sms', source: 'manual' } }));
  await withTransaction(deps.db, sys(), (ctx) => recordUnsentOutbound(ctx.tx, { personId, sessionId: unsent, kind: 'prompt', retryKey: `world:prompt:${unsent}` }, 'no provider', clock.now));
  await withTransaction(deps.db, sys(), (ctx) => recordUnsentOutbound(ctx.tx, { personId, sessionId: null, kind: 'web_link_prompt', retryKey: `world:web:${personId}` }, 'no provider', clock.now));
  // Two older alerts of other persons: an amber from yesterday evening and a red from this morning.
  at(2, '18:10');
  const other = await makePerson(deps, centre, { name: '観察 花子', caseNumber: 'W-0002', dateOfBirth: '1990-03-03' });
  const amber = await makeAlert(deps, other, { severity: 'amber', reason: 'cannot_eat', reasons: [{ ruleId: 'cannot_eat', ja: '食事・水分がとれない', en: 'Unable to eat or drink', values: { cannot_eat: true } }] });
  at(3, '08:05');
  const third = await makePerson(deps, centre, { name: '経過 次郎', caseNumber: 'W-0003', dateOfBirth: '1975-08-20' });
  const red = await makeAlert(deps, third, { severity: 'red', reason: 'spo2_critical', reasons: [{ ruleId: 'spo2_critical', ja: 'SpO2 93%以下', en: 'SpO2 ≤ 93 %', values: { spo2: 92 } }] });
  at(3, '10:00');
  // The engine's latest alert for the four days (today's: the fever raised for age, three days of fever, the pulse).
  const [alert] = await deps.db.select({ id: alerts.id }).from(alerts).where(eq(alerts.personId, personId)).orderBy(desc(alerts.createdAt)).limit(1);
  const server = await startServer(deps);
  const browser: Browser = await launchChromium();
  return {
    deps,
    clock,
    server,
    browser,
    personId,
    alertId: alert!.id,
    otherAlerts: { amber, red },
    lastSession,
    unsentSession: unsent,
    /** A signed-in page at this width (desktop 1280 or phone 375), Japanese locale. */
    async nursePage(width = 1280): Promise<Page> {
      const context = await browser.newContext(width < 600 ? { viewport: { width, height: 800 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'ja-JP' } : { viewport: { width, height: 900 }, locale: 'ja-JP' });
      const page = await context.newPage();
      await signInToConsole(page, server.base, email);
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
      await deps.close();
    },
  };
}
