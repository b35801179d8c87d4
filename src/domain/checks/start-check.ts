import { and, eq, sql } from 'drizzle-orm';
import { checkSessions, flowAssignments, jurisdictions, persons, type ChannelKind } from '../../../db/schema';
import { start } from '../../flows';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError, NotFoundError } from '../errors';
import { latestPublishedVersionId, loadFlowVersion } from '../flows/flow-versions';
import { localDateOf } from '../time';
import { applyStep, type StepOutcome } from './apply-step';
import { buildFlowContext } from './flow-context';
import { requirePermission } from '../permissions';

export interface StartCheckInput {
  personId: string;
  channel: ChannelKind;
  source: 'manual' | 'patient';
  /** How long the session stays answerable; default until the end of the local day. */
  validForMs?: number;
}

/**
 * Start a check for one person outside the schedule ("send check now" in the console,
 * 「今すぐ報告」 from the patient): a new session on the newest published version, started
 * by the engine. Returns the session and the first messages to send.
 */
export async function startCheck({ ctx, input }: VerbArgs<StartCheckInput>): Promise<StepOutcome & { sessionId: string }> {
  requirePermission(ctx.actor, 'startCheck');
  const [row] = await ctx.tx
    .select({ tz: jurisdictions.timeZone, flowId: flowAssignments.flowId })
    .from(persons)
    .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
    .innerJoin(flowAssignments, eq(flowAssignments.personId, persons.id))
    .where(eq(persons.id, input.personId));
  if (!row) throw new NotFoundError('person', input.personId);
  const versionId = await latestPublishedVersionId(ctx.tx, row.flowId);
  if (!versionId) throw new ConflictError('the assigned flow has no published version');
  const localDate = localDateOf(ctx.now, row.tz);
  // A patient's own request reuses today's open manual session instead of piling up new ones.
  const [count] = await ctx.tx
    .select({ n: sql<number>`count(*)::int` })
    .from(checkSessions)
    .where(and(eq(checkSessions.personId, input.personId), eq(checkSessions.localDate, localDate), sql`${checkSessions.round} like 'manual-%'`));
  const round = `manual-${(count?.n ?? 0) + 1}`;
  const endOfDay = new Date(ctx.now.getTime() + (input.validForMs ?? 12 * 3600_000));
  const [session] = await ctx.tx
    .insert(checkSessions)
    .values({ personId: input.personId, flowVersionId: versionId, localDate, round, channel: input.channel, status: 'prompted', source: input.source, dueAt: ctx.now, expiresAt: endOfDay, promptedAt: ctx.now, createdAt: ctx.now, updatedAt: ctx.now })
    .returning({ id: checkSessions.id, personId: checkSessions.personId });
  const version = await loadFlowVersion(ctx.tx, versionId);
  const flowCtx = await buildFlowContext(ctx.tx, input.personId, input.channel, ctx.now, localDate);
  const outcome = await applyStep(ctx, session!, input.channel, start(version, flowCtx));
  if (ctx.actor.kind === 'staff') await writeAudit(ctx, { action: 'send_check', entity: 'person', entityId: input.personId, personId: input.personId, details: { sessionId: session!.id } });
  return { ...outcome, sessionId: session!.id };
}
