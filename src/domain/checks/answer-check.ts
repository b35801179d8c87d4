import { advance, start, type Channel, type Input, type SessionState } from '../../flows';
import type { VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { loadFlowVersion } from '../flows/flow-versions';
import { applyStep, type StepOutcome } from './apply-step';
import { lockSessionWithContext } from './flow-context';
import { isSessionOpen } from './session';
import { requirePermission } from '../permissions';
import { reportsFor } from '../households/household-members';
import { carryReminderChain } from '../households/household-session';
import { carryContactChain, contactReporterOf } from '../households/household-contact-session';

export { OPEN_SESSION_STATUSES } from './session';

export type AnswerOutcome = (StepOutcome & { closed: false; sessionId: string }) | { closed: true; sessionId: string; status: string };

/**
 * Record one answer into a check session: lock the session, run the pinned flow version
 * through the engine, store observations/alerts/state in the caller's transaction and
 * return the messages to send. A session that is over answers { closed: true }: a stale
 * button never records into another day's check. A patient answers only their own
 * sessions — or, as a household's reporter, its members' (recorded with `answeredBy`):
 * another person's is { closed: true } too, and records nothing. `byContactOf`: the
 * household whose reporter contact (not a person) answered, recorded as `answered_by_household_id`.
 */
export async function answerCheck({ ctx, input }: VerbArgs<{ sessionId: string; input: Input; channel: Channel; byContactOf?: string }>): Promise<AnswerOutcome> {
  requirePermission(ctx.actor, 'answerCheck');
  const locked = await lockSessionWithContext(ctx, input.sessionId);
  if (!locked) throw new NotFoundError('check_session', input.sessionId);
  const { session } = locked;
  // A household's reporter answers for its members (proxy reporting): recorded as the member's, with who answered.
  let answeredBy: string | null = null;
  if (ctx.actor.kind === 'patient' && ctx.actor.personId !== session.personId) {
    if (!(await reportsFor(ctx.tx, ctx.actor.personId, session.personId))) return { closed: true, sessionId: session.id, status: 'not_yours' };
    answeredBy = ctx.actor.personId;
  }
  // A household's reporter who is not a person (a contact): the door names the household; the member must be in it.
  if (input.byContactOf && (await contactReporterOf(ctx.tx, session.personId))?.householdId !== input.byContactOf) return { closed: true, sessionId: session.id, status: 'not_yours' };
  if (!isSessionOpen(session, ctx.now)) return { closed: true, sessionId: session.id, status: session.status };
  const version = await loadFlowVersion(ctx.tx, session.flowVersionId);
  const flowCtx = locked.flowContext(input.channel, ctx.now);
  // A session prompted by multicast has no state yet: the prompt it got is the flow's start.
  const state = (session.state as SessionState | null) ?? start(version, flowCtx).state;
  const step = advance(version, state, input.input, flowCtx);
  const outcome = await applyStep(ctx, session, input.channel, step, { answeredBy, answeredByHousehold: input.byContactOf ?? null }, { deferrable: true });
  // A household's check ended: the next member still open takes up the reminder chain.
  if (outcome.completed && input.byContactOf) await carryContactChain(ctx, input.byContactOf);
  else if (outcome.completed) await carryReminderChain(ctx, answeredBy ?? session.personId);
  return { ...outcome, closed: false, sessionId: session.id };
}
