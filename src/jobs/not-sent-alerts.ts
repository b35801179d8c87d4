import type { Deps } from '../deps';
import { systemActor, withTransaction } from '../domain/context';
import { raiseNotSent } from '../domain/rounds/raise-not-sent';

/**
 * The tick's alerts for checks that closed never sent (closeExpiredSessions' neverSent),
 * raised at once in PostgreSQL — not through a job: "Redis lost the round" is one of the
 * causes they report. One transaction each; a failure is logged and the rest still go.
 * Returns how many alerts were raised.
 */
export async function raiseNotSentAlerts(deps: Pick<Deps, 'db' | 'logger'>, sessionIds: readonly string[], now: Date): Promise<number> {
  let raised = 0;
  for (const sessionId of sessionIds) {
    try {
      const { alertId } = await withTransaction(deps.db, { actor: systemActor('rounds.not-sent'), now }, (ctx) => raiseNotSent({ ctx, input: { sessionId } }));
      if (alertId) raised++;
    } catch (err) {
      deps.logger.warn({ sessionId, err: { message: (err as Error).message } }, 'could not raise the not-sent alert');
    }
  }
  return raised;
}
