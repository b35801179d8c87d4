import { eq } from 'drizzle-orm';
import { checkSessions, type ChannelKind } from '../../../db/schema';
import { start, type OutMessage } from '../../flows';
import type { VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { loadFlowVersion } from '../flows/flow-versions';
import { applyStep } from './apply-step';
import { buildFlowContext } from './flow-context';
import { isSessionOpen, lockSession } from './session';
import { requirePermission } from '../permissions';

export interface BeginSessionOutcome {
  sessionId: string;
  /** The opening messages and first question; empty when the session had already begun or is over. */
  messages: OutMessage[];
  begun: boolean;
  open: boolean;
}

/**
 * Run the engine's start() on a scheduled check session that has no state yet (created
 * pending by the round), store the state, and mark it prompted. Idempotent: a session
 * that has already begun returns no messages, so a retried dispatch never re-sends the
 * opening. Used by the SMS and voice dispatchers, and by any channel that sends the first
 * question one person at a time.
 * @example const { messages } = await beginSession({ ctx, input: { sessionId, channel: 'sms' } })
 */
export async function beginSession({ ctx, input }: VerbArgs<{ sessionId: string; channel: ChannelKind }>): Promise<BeginSessionOutcome> {
  requirePermission(ctx.actor, 'beginSession');
  const session = await lockSession(ctx, input.sessionId);
  if (!session) throw new NotFoundError('check_session', input.sessionId);
  const open = isSessionOpen(session, ctx.now);
  if (!open || session.state !== null) return { sessionId: session.id, messages: [], begun: false, open };
  const version = await loadFlowVersion(ctx.tx, session.flowVersionId);
  const flowCtx = await buildFlowContext(ctx.tx, session.personId, input.channel, ctx.now, session.localDate);
  const outcome = await applyStep(ctx, session, input.channel, start(version, flowCtx));
  if (!outcome.completed) {
    // applyStep marks a running session 'active'; nobody has answered yet, so it is 'prompted'.
    await ctx.tx
      .update(checkSessions)
      .set({ status: 'prompted', promptedAt: session.promptedAt ?? ctx.now, updatedAt: ctx.now })
      .where(eq(checkSessions.id, session.id));
  }
  return { sessionId: session.id, messages: outcome.messages, begun: true, open: !outcome.completed };
}
