import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createLineApiMock, LINE_TEST_BASE_URL } from '../support/line-api-mock';
import { createCentre, createPersons } from './support/fixtures';
import { drained } from './support/wait';

// When monitoring ends the person gets one closing message on their channel; prompts stop.
describe('the closing message at the end of monitoring', () => {
  const line = createLineApiMock();
  let deps: TestDeps;
  let centreId: string;
  beforeAll(async () => {
    line.server.listen({ onUnhandledRequest: 'bypass' });
    deps = await createTestDeps({ LINE_CHANNEL_SECRET: 'test-secret', LINE_CHANNEL_ACCESS_TOKEN: 'test-token', LINE_API_BASE_URL: LINE_TEST_BASE_URL });
    centreId = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    deps.jobs.startWorkers(deps, { scheduler: false });
  });
  afterAll(async () => {
    line.server.close();
    await deps.close();
  });

  it('is pushed once by LINE when the planned end has passed, and never again', async () => {
    const [endsToday, stillMonitored] = [
      (await createPersons(deps.db, { centreId, channel: 'line', plannedEnd: '2026-07-05' }))[0]!,
      (await createPersons(deps.db, { centreId, channel: 'line', plannedEnd: '2026-07-20' }))[0]!,
    ];
    const at = new Date('2026-07-06T00:00:00Z'); // 09:00 JST the day after the planned end
    const first = await runTick(deps, at);
    expect(first.monitoringEnded).toBe(1);
    await drained(deps.jobs, ['rounds', 'dispatch-line']);
    const again = await runTick(deps, new Date(at.getTime() + 60_000));
    await drained(deps.jobs, ['rounds', 'dispatch-line']);
    expect(again.closingNotices).toBe(0);

    const rows = await queryRows<{ person_id: string; status: string; channel: string }>(deps.db, sql`select person_id, status, channel from outbound_messages where kind = 'closing'`);
    expect(rows).toEqual([{ person_id: endsToday, status: 'sent', channel: 'line' }]);
    const pushes = line.calls.filter((c) => c.endpoint === 'push' && JSON.stringify(c.body).includes('健康観察の期間が終わりました'));
    expect(pushes).toHaveLength(1);
    expect(JSON.stringify(pushes[0]!.body)).toContain('03-0000-0000');
    const [s] = await queryRows<{ status: string }>(deps.db, sql`select status from persons where id = ${stillMonitored}`);
    expect(s!.status).toBe('home_recuperation');
  });
});
