import { and, asc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import { checkSessions, flows, flowVersions, observations, persons } from '../../../db/schema';
import { personScope } from '../access';
import type { VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { auditFhirRead } from './audit-reads';
import { instantCondition, type DateRange } from './date-param';
import { itemTypes, toQuestionnaireResponse } from './map-questionnaire';
import { requirePermission } from '../permissions';

export interface QuestionnaireResponseSearch {
  ids?: string[];
  patient?: string[];
  authored?: DateRange[];
  count: number;
  offset: number;
}

/** When the answers were given: at completion, else when the check was due. */
const AUTHORED = sql<Date>`coalesce(${checkSessions.completedAt}, ${checkSessions.dueAt})`.mapWith(checkSessions.dueAt);

/**
 * GET /fhir/QuestionnaireResponse: check sessions (not the ones still waiting to be sent)
 * of persons in scope, with their answers. Audited like the console's timeline.
 */
export async function searchQuestionnaireResponses({ ctx, input }: VerbArgs<QuestionnaireResponseSearch>) {
  requirePermission(ctx.actor, 'searchQuestionnaireResponses');
  const where: SQL[] = [ne(checkSessions.status, 'pending'), personScope(ctx.actor)];
  if (input.ids) where.push(inArray(checkSessions.id, input.ids));
  for (const p of input.patient ?? []) where.push(inArray(checkSessions.personId, p.split(',')));
  for (const r of input.authored ?? []) where.push(instantCondition(AUTHORED, r));
  const sessions = await ctx.tx
    .select({ id: checkSessions.id, personId: checkSessions.personId, flowKey: flows.key, flowVersion: flowVersions.version, flowVersionId: flowVersions.id, definition: flowVersions.definition, status: checkSessions.status, authored: AUTHORED, updatedAt: checkSessions.updatedAt })
    .from(checkSessions)
    .innerJoin(persons, eq(persons.id, checkSessions.personId))
    .innerJoin(flowVersions, eq(flowVersions.id, checkSessions.flowVersionId))
    .innerJoin(flows, eq(flows.id, flowVersions.flowId))
    .where(and(...where))
    .orderBy(asc(AUTHORED), asc(checkSessions.id)) // check_sessions_authored_idx
    .limit(input.count + 1)
    .offset(input.offset);
  const page = sessions.slice(0, input.count);
  const answers = page.length
    ? await ctx.tx
        .select({ sessionId: observations.sessionId, questionId: observations.questionId, kind: observations.kind, valueNumber: observations.valueNumber, value: observations.value, valueText: observations.valueText })
        .from(observations)
        .where(and(inArray(observations.sessionId, page.map((s) => s.id)), eq(observations.status, 'answered')))
        .orderBy(asc(observations.observedAt))
    : [];
  const types = new Map(page.map((s) => [s.flowVersionId, itemTypes(s.flowKey, s.definition)]));
  await auditFhirRead(ctx, 'QuestionnaireResponse', page.map((s) => s.personId));
  return {
    resources: page.map((s) => toQuestionnaireResponse(s, answers.filter((a) => a.sessionId === s.id), types.get(s.flowVersionId)!)),
    more: sessions.length > input.count,
  };
}

export async function readQuestionnaireResponse({ ctx, input }: VerbArgs<{ id: string }>) {
  requirePermission(ctx.actor, 'readQuestionnaireResponse');
  const { resources } = await searchQuestionnaireResponses({ ctx, input: { ids: [input.id], count: 1, offset: 0 } });
  if (!resources[0]) throw new NotFoundError('QuestionnaireResponse', input.id);
  return resources[0];
}
