import type { Deps } from '../deps';
import { oldestInboxAgeMs } from '../domain/operations/inbox-backlog';
import { markMulticastSessions } from '../domain/rounds/mark-multicast-sessions';

/** A multicast's sessions are marked this long after it went out at the earliest: past the round's busiest minute. */
const MARK_AFTER_MS = 60_000;
/** …and while patients' answers wait (answers first, answers-first.ts), only this long after: never later. */
const MARK_WHILE_ANSWERS_WAIT_MS = 10 * 60_000;
/** Multicasts a statement marks (5,000 sessions): their rows are locked only a moment. */
const PER_STATEMENT = 10;
/** Multicasts a tick marks at most (200,000 sessions); a national round's rest goes to the next ticks. */
const PER_TICK = 400;

/**
 * The tick's marking of the sessions LINE multicasts sent (markMulticastSessions): those
 * sent a minute ago or more — ten minutes or more while answers wait longer than
 * ANSWERS_FIRST_AFTER_MS, so the marking does not take the machine from them. Returns the
 * sessions marked.
 */
export async function markSentMulticasts(deps: Pick<Deps, 'db' | 'env' | 'logger'>, now: Date): Promise<number> {
  const hold = deps.env.ANSWERS_FIRST_AFTER_MS;
  const answersWait = hold > 0 && (await oldestInboxAgeMs(deps.db, now)) > hold;
  const sentBy = new Date(now.getTime() - (answersWait ? MARK_WHILE_ANSWERS_WAIT_MS : MARK_AFTER_MS));
  const reminderAfterMs = deps.env.REMINDER_AFTER_MINUTES * 60_000;
  let sessions = 0;
  try {
    for (let multicasts = 0; multicasts < PER_TICK; ) {
      const marked = await markMulticastSessions(deps.db, { now, sentBy, reminderAfterMs, limit: PER_STATEMENT });
      sessions += marked.sessions;
      multicasts += marked.multicasts;
      if (marked.multicasts < PER_STATEMENT) break;
    }
  } catch (err) {
    // (A deadlock with an answer holding one of the sessions, say): the rest of the tick goes on; the next tick marks them.
    deps.logger.warn({ err: (err as Error).message, sessions }, 'marking the sessions of sent multicasts stopped; the next tick goes on');
  }
  return sessions;
}
