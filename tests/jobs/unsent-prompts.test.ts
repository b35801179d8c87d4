import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { claimUnsentPrompts } from '../../src/domain/rounds/claim-unsent-prompts';
import { parseQuietHours } from '../../src/domain/rounds/quiet-hours';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';

const MIN = 60_000;
const quiet = parseQuietHours('21:00-08:00');

/**
 * Which first prompts the tick dispatches again: SMS prompt parts and a voice round's first
 * call left `queued` (their job gave up) for a lease, of sessions still waiting on them.
 */
describe('claimUnsentPrompts', () => {
  const t0 = new Date('2026-10-05T01:00:00Z'); // 10:00 JST
  let deps: TestDeps;
  let centre: string;
  beforeAll(async () => {
    deps = await createTestDeps({ DISPATCH_RESWEEP_MINUTES: '5' });
    centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
  });
  afterAll(async () => deps.close());

  /** A round created by the tick (no worker), its session marked as a dispatcher marks it, with outbound rows. */
  async function roundWith(channel: 'sms' | 'voice' | 'line', rows: { kind: string; key: (sessionId: string) => string; status?: string }[], at = t0) {
    const [person] = await createPersons(deps.db, { centreId: centre, channel, roundTimes: ['10:00'] });
    await runTick(deps, at);
    const [s] = await sessionsOf(deps.db, [person!]);
    await deps.db.execute(sql`update check_sessions set status = 'prompted', prompted_at = ${at.toISOString()}::timestamptz where id = ${s!.id}`);
    for (const r of rows) {
      await deps.db.execute(sql`insert into outbound_messages (person_id, session_id, channel, kind, retry_key, status, created_at, updated_at)
        values (${person!}, ${s!.id}, ${channel === 'line' ? 'voice' : channel}, ${r.kind}, ${r.key(s!.id)}, ${r.status ?? 'queued'}, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz)`);
    }
    return s!.id;
  }
  const claim = (now: Date) => claimUnsentPrompts(deps.db, { now, quiet, resweepMs: 5 * MIN, limit: 1000 });
  const statusOf = async (key: string) => (await queryRows<{ status: string; error_code: string | null }>(deps.db, sql`select status, error_code from outbound_messages where retry_key = ${key}`))[0];

  it('takes a queued SMS prompt and a queued first call once the lease ran out, once', async () => {
    const sms = await roundWith('sms', [{ kind: 'prompt', key: (id) => `sms:prompt:${id}:1:0` }, { kind: 'prompt', key: (id) => `sms:prompt:${id}:1:1` }]);
    const voice = await roundWith('voice', [{ kind: 'call', key: (id) => `call:${id}:1` }]);
    // Not a first prompt: a voice round's second call, and a LINE round's automated follow-up call.
    const secondCall = await roundWith('voice', [{ kind: 'call', key: (id) => `call:${id}:1`, status: 'sending' }, { kind: 'call', key: (id) => `call:${id}:2` }]);
    const lineCall = await roundWith('line', [{ kind: 'call', key: (id) => `call:${id}:1` }]);

    expect(await claim(new Date(t0.getTime() + 4 * MIN))).toEqual([]);
    const taken = await claim(new Date(t0.getTime() + 5 * MIN));
    expect(taken.map((s) => s.id).sort()).toEqual([sms, voice].sort());
    expect(taken.every((s) => s.dispatchNow)).toBe(true);
    expect(taken.map((s) => s.id)).not.toContain(secondCall);
    expect(taken.map((s) => s.id)).not.toContain(lineCall);
    // Leased: the next ticks within the lease take nothing; after it, the same again.
    expect(await claim(new Date(t0.getTime() + 9 * MIN))).toEqual([]);
    expect((await claim(new Date(t0.getTime() + 10 * MIN))).map((s) => s.id).sort()).toEqual([sms, voice].sort());
  });

  it('waits for the end of quiet hours, and gives up the rows of a closed check', async () => {
    const evening = new Date('2026-10-06T11:50:00Z'); // 20:50 JST
    const [person] = await createPersons(deps.db, { centreId: centre, channel: 'sms', roundTimes: ['20:45'] });
    await runTick(deps, evening);
    const [s] = await sessionsOf(deps.db, [person!]);
    await deps.db.execute(sql`update check_sessions set status = 'prompted', prompted_at = ${evening.toISOString()}::timestamptz where id = ${s!.id}`);
    await deps.db.execute(sql`insert into outbound_messages (person_id, session_id, channel, kind, retry_key, status, created_at, updated_at)
      values (${person!}, ${s!.id}, 'sms', 'prompt', ${`sms:prompt:${s!.id}:1:0`}, 'queued', ${evening.toISOString()}::timestamptz, ${evening.toISOString()}::timestamptz)`);
    expect((await claim(new Date(evening.getTime() + 15 * MIN))).map((x) => x.id)).not.toContain(s!.id); // 21:05: quiet
    expect(await statusOf(`sms:prompt:${s!.id}:1:0`)).toEqual({ status: 'queued', error_code: null });

    await deps.db.execute(sql`update check_sessions set status = 'missed' where id = ${s!.id}`);
    expect((await claim(new Date(evening.getTime() + 20 * MIN))).map((x) => x.id)).not.toContain(s!.id);
    expect(await statusOf(`sms:prompt:${s!.id}:1:0`)).toEqual({ status: 'failed', error_code: 'round_over' });
  });
});
