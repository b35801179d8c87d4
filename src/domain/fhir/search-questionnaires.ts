import { and, asc, eq, inArray, ne, type SQL } from 'drizzle-orm';
import { flows, flowVersions } from '../../../db/schema';
import type { VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { flowScope } from '../flows/flow-scope';
import { questionnaireUrl, toQuestionnaire } from './map-questionnaire';
import { requirePermission } from '../permissions';

export interface QuestionnaireSearch {
  ids?: string[];
  url?: string[];
  version?: string[];
  count: number;
  offset: number;
}

const COLUMNS = { id: flowVersions.id, key: flows.key, nameJa: flows.nameJa, version: flowVersions.version, status: flowVersions.status, definition: flowVersions.definition, publishedAt: flowVersions.publishedAt };

/** Published and archived flow versions the client's jurisdiction may see (flowScope), as Questionnaires. No personal data: not audited. */
export async function searchQuestionnaires({ ctx, input }: VerbArgs<QuestionnaireSearch>) {
  requirePermission(ctx.actor, 'searchQuestionnaires');
  const where: SQL[] = [ne(flowVersions.status, 'draft'), flowScope(ctx.actor)];
  if (input.ids) where.push(inArray(flowVersions.id, input.ids));
  for (const u of input.url ?? []) where.push(inArray(flows.key, u.split(',').map((x) => x.replace(questionnaireUrl(''), ''))));
  for (const v of input.version ?? []) where.push(inArray(flowVersions.version, v.split(',').map(Number).filter(Number.isInteger)));
  const rows = await ctx.tx
    .select(COLUMNS)
    .from(flowVersions)
    .innerJoin(flows, eq(flows.id, flowVersions.flowId))
    .where(and(...where))
    .orderBy(asc(flows.key), asc(flowVersions.version))
    .limit(input.count + 1)
    .offset(input.offset);
  return { resources: rows.slice(0, input.count).map(toQuestionnaire), more: rows.length > input.count };
}

export async function readQuestionnaire({ ctx, input }: VerbArgs<{ id: string }>) {
  requirePermission(ctx.actor, 'readQuestionnaire');
  const { resources } = await searchQuestionnaires({ ctx, input: { ids: [input.id], count: 1, offset: 0 } });
  if (!resources[0]) throw new NotFoundError('Questionnaire', input.id);
  return resources[0];
}
