import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { erasePersons } from '../../src/domain/retention/erase-persons';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';

/**
 * Issue 16: a round's LINE prompt is recorded once per multicast (line_multicasts: person
 * and session ids at the same positions), not once per person. What read the per-person rows
 * still tells the truth per person: "was this check ever sent" and the not-sent alert's cause
 * (the tick at the end of the round), and the erasure of a person's data.
 */
describe('LINE multicast records', () => {
  const t0 = new Date('2026-08-03T00:00:00Z'); // 09:00 JST
  const nextDay = new Date('2026-08-04T00:00:00Z');
  let deps: TestDeps;
  let ids: string[];
  let sessions: Awaited<ReturnType<typeof sessionsOf>>;
  const multicast = (key: string, who: number[], status: string, errorCode: string | null, providerMessageId: string | null) =>
    deps.db.execute(sql`insert into line_multicasts (kind, retry_key, person_ids, session_ids, status, error_code, provider_message_id, attempts)
      values ('prompt', ${key}, ${`{${who.map((i) => ids[i]).join(',')}}`}::uuid[], ${`{${who.map((i) => sessions.find((s) => s.person_id === ids[i])!.id).join(',')}}`}::uuid[], ${status}, ${errorCode}, ${providerMessageId}, 1)`);

  beforeAll(async () => {
    deps = await createTestDeps({ ROUND_PREPARE_MINUTES: '0' });
    const centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    ids = await createPersons(deps.db, { centreId: centre, count: 4, classification: 'close_contact', roundTimes: ['09:00'] });
    await runTick(deps, t0);
    sessions = await sessionsOf(deps.db, ids);
    // Persons 0 and 1: a multicast LINE took (then marked prompted, unanswered); persons 2 and 3: one LINE refused with 400.
    await multicast('k:sent', [0, 1], 'sent', null, 'req-1');
    await multicast('k:failed', [2, 3], 'failed', '400', null);
    await deps.db.execute(sql`update check_sessions set status = 'prompted' where person_id = any(${`{${ids[0]},${ids[1]}}`}::uuid[])`);
  });
  afterAll(async () => deps.close());

  it('a check its multicast reached closes as missed without a not_sent alert; one whose multicast LINE refused gets the alert with the error', async () => {
    await runTick(deps, nextDay);
    const alerts = await queryRows<{ person_id: string; details: { reasons: { ja: string; values: { cause: string; errorCode?: string } }[] } }>(
      deps.db,
      sql`select person_id, details from alerts where reason = 'not_sent' and person_id = any(${`{${ids.join(',')}}`}::uuid[]) order by person_id`,
    );
    expect(alerts.map((a) => a.person_id).sort()).toEqual([ids[2], ids[3]].sort());
    for (const a of alerts) {
      expect(a.details.reasons[0]!.values).toMatchObject({ cause: 'send_failed', errorCode: '400' });
      expect(a.details.reasons[0]!.ja).toContain('送信エラー: 400');
    }
  });

  it('erasing a person takes them (and their check) out of the multicast; a multicast left with nobody goes', async () => {
    await deps.db.transaction((tx) => erasePersons(tx, { personIds: [ids[0]!, ids[2]!, ids[3]!], now: nextDay, actorId: 'test' }));
    const rows = await queryRows<{ retry_key: string; person_ids: string[]; session_ids: string[] }>(deps.db, sql`select retry_key, person_ids::text[] as person_ids, session_ids::text[] as session_ids from line_multicasts order by retry_key`);
    expect(rows).toEqual([{ retry_key: 'k:sent', person_ids: [ids[1]], session_ids: [sessions.find((s) => s.person_id === ids[1])!.id] }]);
  });
});
