import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, queryRows, type DbHandle } from '../../../db/client';
import { forgetPublishedVersion, latestPublishedVersionId, watchFlowPublications } from '../../../src/domain/flows/flow-versions';
import { createTestDeps, type TestDeps } from '../../support/deps';

/**
 * Issue 16: the newest published version of a flow is kept per worker process, and a
 * publication in another process reaches it through NOTIFY mimamori_flows (invalidation),
 * not after the next restart.
 */
let deps: TestDeps;
let other: DbHandle; // "another process": its own pool on the same database
beforeAll(async () => {
  deps = await createTestDeps();
  other = await createDb({ url: deps.testDb.url, max: 1 });
});
afterAll(async () => {
  await other?.close();
  await deps?.close();
});

async function until(check: () => Promise<boolean>, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

describe('the published-version cache', () => {
  it('keeps the version without asking PostgreSQL again, and drops it when another process publishes', async () => {
    forgetPublishedVersion();
    const errors: Error[] = [];
    await watchFlowPublications(deps.dbHandle, (e) => errors.push(e));
    const [flow] = await queryRows<{ flow_id: string; id: string }>(deps.db, sql`select v.flow_id, v.id from flow_versions v join flows f on f.id = v.flow_id where f.key = 'patient-daily' and v.status = 'published' order by v.version desc limit 1`);
    expect(flow).toBeDefined();
    expect(await latestPublishedVersionId(deps.db, flow!.flow_id)).toBe(flow!.id);

    // Another process publishes a newer version (written straight to the table, then its NOTIFY).
    const [created] = await queryRows<{ id: string }>(
      other.db,
      sql`insert into flow_versions (flow_id, version, status, spec_version, definition, published_at)
          select flow_id, version + 100, 'published', spec_version, definition, now() from flow_versions where id = ${flow!.id} returning id`,
    );
    // Until it says so, this process keeps the version it read: no statement per new session.
    expect(await latestPublishedVersionId(deps.db, flow!.flow_id)).toBe(flow!.id);
    await other.db.execute(sql`select pg_notify('mimamori_flows', ${flow!.flow_id})`);
    expect(await until(async () => (await latestPublishedVersionId(deps.db, flow!.flow_id)) === created!.id)).toBe(true);
    expect(errors).toEqual([]);
  });
});
