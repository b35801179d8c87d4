import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, uuidArray } from '../../db/client';
import type { Deps } from '../deps';
import { erasePersons } from '../domain/retention/erase-persons';
import { findDuePersons } from '../domain/retention/find-due-persons';
import { dueSql, retentionToday } from '../domain/retention/retention-due';
import { defineJob, withJobIds } from './define';

/** Persons erased in one transaction: short enough that no console query waits on its locks for long. */
export const ERASE_BATCH = 200;
/** Ids the sweep looks at per query while it plans the batches. */
const SWEEP_PAGE = 5_000;

/**
 * Erase one batch (ids only in the payload). The due test is repeated inside the
 * transaction: a record held or already erased since the sweep is left alone.
 */
export const retentionEraseJob = defineJob({
  name: 'retention.erase',
  queue: 'retention',
  version: 1,
  payload: z.object({ personIds: z.array(z.uuid()).min(1).max(1000) }),
  handler: async ({ personIds }, deps: Deps) => {
    const now = deps.now();
    return deps.db.transaction(async (tx) => {
      const due = await queryRows<{ id: string }>(tx, sql`select persons.id from persons where persons.id = any(${uuidArray(personIds)}) and ${dueSql(deps.env.RETENTION_DAYS, retentionToday(now))}`);
      const erased = await erasePersons(tx, { personIds: due.map((r) => r.id), now, actorId: 'retention' });
      return { erased: erased.length };
    });
  },
});

/**
 * The daily sweep (enqueued by the tick, one a day): finds every record past RETENTION_DAYS
 * and enqueues its erasure in batches of ERASE_BATCH, each job id derived from its first id
 * and the day (a second sweep the same day adds nothing). The 'retention' queue runs one
 * batch at a time.
 */
export const retentionSweepJob = defineJob({
  name: 'retention.sweep',
  queue: 'retention',
  version: 1,
  payload: z.object({ day: z.iso.date() }),
  jobId: ({ day }) => `retention-sweep:${day}`,
  handler: async ({ day }, deps: Deps) => {
    let after: string | undefined;
    let batches = 0;
    for (;;) {
      const ids = await findDuePersons(deps.db, { now: deps.now(), retentionDays: deps.env.RETENTION_DAYS, limit: SWEEP_PAGE, after });
      if (!ids.length) break;
      const items = [];
      for (let i = 0; i < ids.length; i += ERASE_BATCH) {
        const part = ids.slice(i, i + ERASE_BATCH);
        items.push({ payload: { personIds: part }, jobId: `retention-erase:${day}:${part[0]}` });
      }
      if (!(await deps.jobs.triggerBulk(retentionEraseJob, items))) throw new Error('could not enqueue the erasure batches (Redis unreachable?)');
      batches += items.length;
      after = ids[ids.length - 1];
      if (ids.length < SWEEP_PAGE) break;
    }
    return { batches };
  },
});

/** The tick's step: one sweep a day (Japan date), deduplicated by its job id. */
export async function enqueueRetentionSweep(deps: Deps, now: Date): Promise<boolean> {
  const day = retentionToday(now);
  // triggerBulk, like the tick's other steps (a test may stand in for it alone).
  return deps.jobs.triggerBulk(retentionSweepJob, withJobIds(retentionSweepJob, [{ day }]));
}
