import { eq, sql } from 'drizzle-orm';
import { checkSessions } from '../../../db/schema';
import { advance, start, type Channel, type Input, type SessionState } from '../../flows';
import type { VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { loadFlowVersion } from '../flows/flow-versions';
import { applyStep, type StepOutcome } from './apply-step';
import { buildFlowContext } from './flow-context';
import { requirePermission } from '../permissions';

export const OPEN_SESSION_STATUSES = ['pending', 'prompted', 'active'] as const;

export type AnswerOutcome = (StepOutcome & { closed: false; sessionId: string }) | { closed: true; sessionId: string; status: string };

/**
 * Record one answer into a check session: lock the session, run the pinned flow version
 * through the engine, store observations/alerts/state in the caller's transaction and
 * return the messages to send. A session that is over answers { closed: true }: a stale
 * button never records into another day's check.
 */
export async function answerCheck({ ctx, input }: VerbArgs<{ sessionId: string; input: Input; channel: Channel }>): Promise<AnswerOutcome> {
  requirePermission(ctx.actor, 'answerCheck');
  const locked = await ctx.tx.execute(sql`select id from check_sessions where id = ${input.sessionId} for update`);
  void locked;
  const [session] = await ctx.tx.select().from(checkSessions).where(eq(checkSessions.id, input.sessionId));
  if (!session) throw new NotFoundError('check_session', input.sessionId);
  if (!(OPEN_SESSION_STATUSES as readonly string[]).includes(session.status) || session.expiresAt <= ctx.now) {
    return { closed: true, sessionId: session.id, status: session.status };
  }
  const version = await loadFlowVersion(ctx.tx, session.flowVersionId);
  const flowCtx = await buildFlowContext(ctx.tx, session.personId, input.channel, ctx.now, session.localDate);
  // A session prompted by multicast has no state yet: the prompt it got is the flow's start.
  const state = (session.state as SessionState | null) ?? start(version, flowCtx).state;
  const step = advance(version, state, input.input, flowCtx);
  const outcome = await applyStep(ctx, session, input.channel, step);
  return { ...outcome, closed: false, sessionId: session.id };
}
