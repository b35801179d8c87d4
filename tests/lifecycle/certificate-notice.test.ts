import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createLineApiMock, LINE_TEST_BASE_URL } from '../support/line-api-mock';
import { bearer, makeStaff, makeToken } from '../admin/support';
import { createCentre, createPersons } from '../jobs/support/fixtures';
import { drained } from '../jobs/support/wait';

// "Via a LINE link": when staff issue a certificate, a LINE person gets a push with a link
// carrying only a signed token; the link downloads the PDF.
describe('the certificate link sent by LINE', () => {
  const line = createLineApiMock();
  let deps: TestDeps;
  beforeAll(async () => {
    line.server.listen({ onUnhandledRequest: 'bypass' });
    deps = await createTestDeps({ LINE_CHANNEL_SECRET: 'test-secret', LINE_CHANNEL_ACCESS_TOKEN: 'test-token', LINE_API_BASE_URL: LINE_TEST_BASE_URL, PUBLIC_BASE_URL: 'https://mimamori.test' }, { now: () => new Date('2026-06-20T03:00:00Z') });
    deps.jobs.startWorkers(deps, { scheduler: false, queues: ['rounds'] });
  });
  afterAll(async () => {
    line.server.close();
    await deps.close();
  });

  it('pushes the link once; the link downloads the certificate; no name or id in it', async () => {
    const centre = await createCentre(deps.db, 'Asia/Tokyo');
    await makeStaff(deps, { email: 'n@notice.jp', role: 'nurse', jurisdictionCode: centre.code });
    const api = bearer(createApp(deps), await makeToken(deps, 'n@notice.jp'));
    const [personId] = await createPersons(deps.db, { centreId: centre.id, channel: 'line', status: 'monitoring_ended' });
    await deps.db.execute(sql`update persons set monitoring_start = '2026-06-01', monitoring_actual_end = '2026-06-11' where id = ${personId}`);
    const res = await api('POST', `/api/v1/persons/${personId}/certificates`, { kind: 'recuperation' });
    expect(res.status).toBe(201);
    expect((await res.json()).queued).toBe(true);
    await drained(deps.jobs, ['rounds']);
    const pushes = line.calls.filter((c) => c.endpoint === 'push' && JSON.stringify(c.body).includes('療養証明書を発行しました'));
    expect(pushes).toHaveLength(1);
    const text = JSON.stringify(pushes[0]!.body);
    const url = /https:\/\/mimamori\.test(\/certificates\/[A-Za-z0-9_.-]+)/.exec(text)![1]!;
    expect(text).not.toContain(personId);
    expect(text).not.toContain('テスト 太郎');
    const pdf = await createApp(deps).request(url);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
  });
});
