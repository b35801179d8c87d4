import { and, desc, eq, gt, inArray, lte } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { checkSessions } from '../../../db/schema';
import { OPEN_SESSION_STATUSES } from './session';

/**
 * The person's newest check that can still be answered (free text, SMS replies and calls go here).
 * A round prepared ahead (ROUND_PREPARE_MINUTES, due_at still to come) is not one yet.
 */
export async function findOpenSession(db: DbOrTx, personId: string, now: Date) {
  const [row] = await openSessionQuery(db, personId, now);
  return row ?? null;
}

/** findOpenSession's statement (its plan after a morning's round: tests/jobs/round-statistics.test.ts). */
export function openSessionQuery(db: DbOrTx, personId: string, now: Date) {
  return db
    .select()
    .from(checkSessions)
    .where(and(eq(checkSessions.personId, personId), inArray(checkSessions.status, [...OPEN_SESSION_STATUSES]), gt(checkSessions.expiresAt, now), lte(checkSessions.dueAt, now)))
    .orderBy(desc(checkSessions.dueAt))
    .limit(1);
}
