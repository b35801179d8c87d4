import { eq, sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client';
import { checkSessions, persons } from '../../../db/schema';
import { raiseAlert } from '../alerts/raise-alert';
import { riskFactorsOf } from '../checks/flow-context';
import { lockSession } from '../checks/session';
import type { VerbArgs } from '../context';
import { isPaused } from '../pauses/pauses-of';
import { addDays } from '../time';
import { requirePermission } from '../permissions';

/**
 * The end of the reminder chain: the person did not answer after the prompt, a reminder
 * and (where possible) a call. Amber; red when the previous local day was missed too
 * (two consecutive missed days) or at once for people with risk factors. One alert per
 * session (dedupe key). A session answered meanwhile raises nothing: the race with a
 * completing answer is decided under the session's row lock.
 */
export async function raiseNonResponder({ ctx, input }: VerbArgs<{ sessionId: string }>): Promise<{ alertId: string | null }> {
  requirePermission(ctx.actor, 'raiseNonResponder');
  await lockSession(ctx, input.sessionId);
  const [row] = await ctx.tx
    .select({ s: checkSessions, p: persons })
    .from(checkSessions)
    .innerJoin(persons, eq(persons.id, checkSessions.personId))
    .where(eq(checkSessions.id, input.sessionId));
  if (!row) return { alertId: null };
  const { s, p } = row;
  await ctx.tx.update(checkSessions).set({ nextActionAt: null, updatedAt: ctx.now }).where(eq(checkSessions.id, s.id));
  if (s.status === 'completed' || s.status === 'cancelled' || s.status === 'pending') return { alertId: null };
  if (await isPaused(ctx, p.id)) return { alertId: null }; // 一時停止中: not a non-responder

  const yesterday = addDays(s.localDate, -1);
  const [prev] = await queryRows<{ missed: number; completed: number }>(
    ctx.tx,
    sql`select count(*) filter (where status = 'missed')::int as missed, count(*) filter (where status = 'completed')::int as completed
        from check_sessions where person_id = ${p.id} and local_date = ${yesterday} and source = 'schedule'`,
  );
  const missedYesterday = (prev?.missed ?? 0) > 0 && (prev?.completed ?? 0) === 0;
  const risks = riskFactorsOf(p, s.localDate);
  const severity = missedYesterday || risks.length > 0 ? 'red' : 'amber';
  const why = missedYesterday
    ? { ja: '2日続けて健康観察の回答がありません', en: 'No answer to the daily check two days in a row' }
    : { ja: '健康観察の回答がありません', en: 'No answer to the daily check' };
  const { id } = await raiseAlert({
    ctx,
    input: {
      personId: p.id,
      sessionId: s.id,
      severity,
      reason: 'non_responder',
      reasons: [
        {
          ruleId: 'non_responder',
          ...why,
          values: { localDate: s.localDate, round: s.round, remindersSent: s.remindersSent, callAttempts: s.callAttempts, missedYesterday, riskFactors: risks },
        },
      ],
      dedupeKey: `non_responder:${s.id}`,
    },
  });
  return { alertId: id };
}
