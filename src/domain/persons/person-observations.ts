import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import { checkSessions, observations, type CheckSessionStatus } from '../../../db/schema';
import { multicastLeftSql } from '../rounds/never-sent';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { parseInput } from '../validation';
import { personInScope } from './person-in-scope';
import { versionBook } from './question-wording';
import { requirePermission } from '../permissions';

export const observationQuerySchema = z.object({
  from: z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }).optional(),
  to: z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }).optional(),
  questionId: z.string().trim().max(60).optional(),
});

/**
 * A person's check sessions and answers over the monitoring period (or from/to local
 * dates): the timeline, the charts and GET /api/v1/persons/:id/observations. Audited.
 */
export async function personObservations({ ctx, input }: VerbArgs<{ personId: string } & Record<string, unknown>>) {
  requirePermission(ctx.actor, 'personObservations');
  const f = parseInput(observationQuerySchema, input);
  const person = await personInScope(ctx, input.personId);
  const sessionWhere = [eq(checkSessions.personId, person.id)];
  if (f.from) sessionWhere.push(gte(checkSessions.localDate, f.from));
  if (f.to) sessionWhere.push(lte(checkSessions.localDate, f.to));
  // A session a LINE multicast sent is pending until the tick marks it (a minute or more): it shows as sent.
  const shownStatus = sql<CheckSessionStatus>`case when ${checkSessions.status} = 'pending' and ${multicastLeftSql(sql`${checkSessions.id}`)} then 'prompted' else ${checkSessions.status} end`;
  const sessions = await ctx.tx
    .select({ id: checkSessions.id, flowVersionId: checkSessions.flowVersionId, localDate: checkSessions.localDate, round: checkSessions.round, channel: checkSessions.channel, status: shownStatus, source: checkSessions.source, dueAt: checkSessions.dueAt, completedAt: checkSessions.completedAt })
    .from(checkSessions)
    .where(and(...sessionWhere))
    .orderBy(asc(checkSessions.dueAt))
    .limit(2000);
  const obsWhere = [eq(observations.personId, person.id)];
  if (f.questionId) obsWhere.push(eq(observations.questionId, f.questionId));
  if (f.from || f.to) obsWhere.push(...sessionWhere.slice(1));
  const rows = await ctx.tx
    .select({ id: observations.id, sessionId: observations.sessionId, questionId: observations.questionId, kind: observations.kind, valueNumber: observations.valueNumber, valueText: observations.valueText, value: observations.value, unit: observations.unit, raw: observations.raw, status: observations.status, channel: observations.channel, observedAt: observations.observedAt })
    .from(observations)
    .innerJoin(checkSessions, eq(checkSessions.id, observations.sessionId))
    .where(and(...obsWhere))
    .orderBy(asc(observations.observedAt))
    .limit(20000);
  await writeAudit(ctx, { action: 'read', entity: 'observation', entityId: person.id, personId: person.id, details: { count: rows.length } });
  const book = await versionBook(ctx, sessions.map((x) => x.flowVersionId));
  const versionOf = new Map(sessions.map((x) => [x.id, x.flowVersionId]));
  // Each answer judged against its flow's single-answer rules: the table marks red and amber cells.
  const marked = rows.map((o) => ({ ...o, mark: o.status === 'answered' ? book.mark(versionOf.get(o.sessionId) ?? '', o.questionId, o.value) : null }));
  return { personId: person.id, sessions, observations: marked, questions: book.wordings };
}
