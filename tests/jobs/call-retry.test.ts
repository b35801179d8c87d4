import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { claimDueActions } from '../../src/domain/rounds/claim-due-actions';
import { parseQuietHours } from '../../src/domain/rounds/quiet-hours';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons } from './support/fixtures';

// The reminder chain's call step: an automated call that did not reach the person (no
// answer, busy, answering machine) is tried again until CALL_MAX_ATTEMPTS calls were made;
// a call that got through, or the last allowed one, ends in the non-responder alert.
describe('unanswered calls in the reminder chain', () => {
  const now = new Date('2026-06-01T03:00:00Z'); // 12:00 JST, outside quiet hours
  let deps: TestDeps;
  let centreId: string;
  beforeAll(async () => {
    deps = await createTestDeps();
    centreId = (await createCentre(deps.db, 'Asia/Tokyo')).id;
  });
  afterAll(() => deps.close());

  /**
   * A reminded SMS session with `calls` calls made (the earlier ones unanswered, the last
   * one ending as `lastCall`), in round `round` of the person's day.
   */
  async function session(calls: number, lastCall: 'undelivered' | 'failed' | 'delivered' | null, opts: { personId?: string; round?: string } = {}): Promise<string> {
    const personId = opts.personId ?? (await createPersons(deps.db, { centreId, channel: 'sms' }))[0]!;
    const [row] = await queryRows<{ id: string }>(deps.db, sql`
      insert into check_sessions (person_id, flow_version_id, local_date, round, channel, status, due_at, expires_at, prompted_at, next_action_at, reminders_sent, call_attempts)
      select ${personId}, v.id, '2026-06-01', ${opts.round ?? '09:00'}, 'sms', 'prompted', '2026-06-01T00:00:00Z', '2026-06-01T06:00:00Z', '2026-06-01T00:00:00Z', '2026-06-01T02:59:00Z', 1, ${calls}
      from flow_versions v join flows f on f.id = v.flow_id where f.key = 'patient-daily' and v.status = 'published' limit 1
      returning id`);
    const id = row!.id;
    for (let n = 1; n <= calls; n++) {
      const status = n === calls && lastCall ? lastCall : 'undelivered';
      await deps.db.execute(sql`insert into outbound_messages (person_id, session_id, channel, kind, retry_key, status, created_at)
        values (${personId}, ${id}, 'voice', 'call', ${`call:${id}:${n}`}, ${status}, ${new Date(Date.UTC(2026, 5, 1, 0, n)).toISOString()}::timestamptz)`);
    }
    return id;
  }

  const claim = () => claimDueActions(deps.db, { now, quiet: parseQuietHours('21:00-08:00'), leaseMs: 60_000, limit: 100, reminderAfterMs: 60_000, maxCalls: 3 });

  it('calls again after no answer, and gives up after the third call or a call that got through', async () => {
    const firstCall = await session(0, null);
    const noAnswer = await session(1, 'undelivered');
    const failedTwice = await session(2, 'failed');
    const third = await session(3, 'undelivered');
    const answered = await session(1, 'delivered');
    const actions = new Map((await claim()).map((a) => [a.sessionId, a]));
    expect(actions.get(firstCall)).toMatchObject({ action: 'call', attempt: 1 });
    expect(actions.get(noAnswer)).toMatchObject({ action: 'call', attempt: 2 });
    expect(actions.get(failedTwice)).toMatchObject({ action: 'call', attempt: 3 });
    expect(actions.get(third)?.action).toBe('alert');
    expect(actions.get(answered)?.action).toBe('alert');
  });

  it('counts the calls of the whole local day: a later round gets no call once three were made', async () => {
    const [personId] = await createPersons(deps.db, { centreId, channel: 'sms' });
    await session(3, 'undelivered', { personId, round: '06:00' }); // the morning's calls
    const later = await session(0, null, { personId, round: '09:00' });
    const actions = new Map((await claim()).map((a) => [a.sessionId, a]));
    expect(actions.get(later)?.action).toBe('alert');
  });
});
