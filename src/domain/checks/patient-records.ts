import { and, desc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { checkSessions, flowAssignments, observations } from '../../../db/schema';
import { localDateOf, localTimeOf } from '../time';

/**
 * When the person's next scheduled check arrives: a later round of today not yet over, else
 * tomorrow's first round; null without an active schedule. Times are local ("15:00").
 */
export async function nextScheduledCheck(db: DbOrTx, personId: string, now: Date, timeZone: string): Promise<{ day: 'today' | 'tomorrow'; time: string } | null> {
  const [assignment] = await db.select().from(flowAssignments).where(eq(flowAssignments.personId, personId));
  if (!assignment?.active || assignment.roundTimes.length === 0) return null;
  const time = localTimeOf(now, timeZone);
  const today = localDateOf(now, timeZone);
  const done = await db
    .select({ round: checkSessions.round })
    .from(checkSessions)
    .where(and(eq(checkSessions.personId, personId), eq(checkSessions.localDate, today), inArray(checkSessions.status, ['completed', 'missed', 'cancelled'])));
  const finished = new Set(done.map((d) => d.round));
  const later = assignment.roundTimes.find((r) => r > time && !finished.has(r));
  return later ? { day: 'today', time: later } : { day: 'tomorrow', time: assignment.roundTimes[0]! };
}

export interface CompletedCheck {
  id: string;
  localDate: string;
  round: string;
  completedAt: Date | null;
  values: { questionId: string; value: number; unit: string | null }[];
}

/** The person's own last completed checks (newest first) with their measured values of `questionIds`. */
export async function recentCompletedChecks(db: DbOrTx, personId: string, questionIds: string[], limit = 5): Promise<CompletedCheck[]> {
  const sessions = await db
    .select({ id: checkSessions.id, localDate: checkSessions.localDate, round: checkSessions.round, completedAt: checkSessions.completedAt })
    .from(checkSessions)
    .where(and(eq(checkSessions.personId, personId), eq(checkSessions.status, 'completed')))
    .orderBy(desc(checkSessions.dueAt))
    .limit(limit);
  if (sessions.length === 0) return [];
  const obs = await db
    .select({ sessionId: observations.sessionId, questionId: observations.questionId, value: observations.valueNumber, unit: observations.unit })
    .from(observations)
    .where(and(inArray(observations.sessionId, sessions.map((s) => s.id)), inArray(observations.questionId, questionIds)));
  return sessions.map((s) => ({
    ...s,
    values: obs.flatMap((o) => (o.sessionId === s.id && o.value !== null ? [{ questionId: o.questionId, value: o.value, unit: o.unit }] : [])),
  }));
}
