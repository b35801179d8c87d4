import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type DbHandle } from '../../db/client';
import { personChannels } from '../../db/schema';
import { loadDispatchRows } from '../../src/domain/channels/line-dispatch-rows';
import { createPendingSession } from '../bot/twilio/helpers';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPerson } from '../support/fixtures';
import { explainRecorded, recordingDb, type RecordedStatement } from '../support/recorded-statements';

/**
 * Issue 16: a round's LINE batch reads each addressee's LINE user and its state in the
 * statement that loads the batch (loadDispatchRows). The unique index on (person_id, kind)
 * carries address and state (migration 0037), so those 500 probes read no table pages.
 */
let deps: TestDeps;
let recorded: DbHandle;
let statements: RecordedStatement[];

beforeAll(async () => {
  deps = await createTestDeps();
  await createCentre(deps.db, { code: 'plan-centre' });
  ({ handle: recorded, statements } = await recordingDb(deps.testDb.url));
});
afterAll(async () => {
  await recorded.close();
  await deps.close();
});

describe("a LINE batch's read", () => {
  it('probes person_channels as index-only scans of its unique index, which still arbitrates a re-link', async () => {
    const now = new Date('2026-12-07T00:00:00Z');
    const sessionIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const person = await createPerson(deps.db, 'plan-centre');
      await deps.db.insert(personChannels).values({ personId: person.id, kind: 'line', address: `U${'0'.repeat(31)}${i}`, state: 'verified' });
      sessionIds.push((await createPendingSession(deps, person.id, 'line', now)).id);
    }
    // (The visibility map set, as on a database whose channels were written before the morning.)
    await deps.db.execute(sql`vacuum analyze person_channels`);
    statements.length = 0;
    const batch = await loadDispatchRows({ db: recorded.db, now: () => now }, sessionIds, 'prompt');
    expect(batch.rows.map((r) => r.channelState)).toEqual(['verified', 'verified', 'verified']);
    const read = statements.find((s) => s.text.includes('"person_channels"'));
    expect(read).toBeDefined();

    // Tiny tables make a sequential scan cheap; forbid it to see how the probes are made.
    const plan = await explainRecorded(deps.testDb.url, read!, { settings: ['enable_seqscan = off', 'enable_bitmapscan = off'] });
    const text = plan.map((r) => String(r['QUERY PLAN'])).join('\n');
    expect(text).toMatch(/Index Only Scan using person_channels_person_kind_uq on person_channels/);

    // ON CONFLICT (person_id, kind) still finds its arbiter: included columns are not part of the key.
    const [first] = await queryRows<{ person_id: string }>(deps.db, sql`select person_id from person_channels limit 1`);
    await deps.db
      .insert(personChannels)
      .values({ personId: first!.person_id, kind: 'line', address: 'U-relinked', state: 'pending' })
      .onConflictDoUpdate({ target: [personChannels.personId, personChannels.kind], set: { address: 'U-relinked' } });
    const [row] = await queryRows<{ address: string }>(deps.db, sql`select address from person_channels where person_id = ${first!.person_id} and kind = 'line'`);
    expect(row!.address).toBe('U-relinked');
  });
});
