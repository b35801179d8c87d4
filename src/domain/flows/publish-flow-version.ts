import { and, eq, sql } from 'drizzle-orm';
import { flowAssignments, flowVersions, persons } from '../../../db/schema';
import { languageOf, missingTranslations, type FlowDefinition, type Lang } from '../../flows';
import { ValidationError } from '../errors';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError } from '../errors';
import { FLOW_VERSION_STATUS_JA } from '../messages-ja';
import { parseDefinitionFor } from './definition-issues';
import { requireFlowPublisher } from './flow-publishers';
import { getFlowVersion, latestPublished } from './flow-queries';
import { announceFlowPublication } from './flow-versions';
import { requirePermission } from '../permissions';

/**
 * Publish a draft: from now on new check sessions start on it (the newest published
 * version wins); sessions already running stay pinned to theirs. The previous published
 * version is left published-but-superseded — archiving is a separate, explicit act.
 * After this the database trigger refuses any change to the definition. Centre
 * administrators and up, for flows their jurisdiction owns (flow-publishers.ts); a flow out
 * of the actor's sight is "not found". Refused, with the list, when a text lacks a language
 * that a person assigned to the flow uses (they would read another language).
 */
export async function publishFlowVersion({ ctx, input }: VerbArgs<{ flowKey: string; version: number }>): Promise<{ version: number; supersedes: number | null }> {
  requirePermission(ctx.actor, 'publishFlowVersion');
  const row = await getFlowVersion(ctx.tx, input.flowKey, input.version, { forUpdate: true, visibleTo: ctx.actor });
  requireFlowPublisher(ctx.actor, row.owner);
  if (row.status !== 'draft') throw new ConflictError(`version ${row.version} is ${row.status}: only a draft can be published`, undefined, `第${row.version}版は${FLOW_VERSION_STATUS_JA[row.status]}です。公開できるのは下書きだけです`);
  // Re-checked here: a draft stored by an older engine may no longer be valid.
  const definition = parseDefinitionFor(row.flowKey, row.definition);
  await refuseMissingTranslations(ctx.tx, row.flowId, definition);
  const previous = await latestPublished(ctx.tx, row.flowKey);
  if (previous && previous.version > row.version) {
    throw new ConflictError(`version ${previous.version} is newer and already published`, undefined, `より新しい第${previous.version}版がすでに公開されています`);
  }
  await ctx.tx
    .update(flowVersions)
    .set({ status: 'published', publishedAt: ctx.now, publishedBy: ctx.actor.kind === 'staff' ? ctx.actor.staffId : null })
    .where(eq(flowVersions.id, row.id));
  await announceFlowPublication(ctx.tx, row.flowId);
  await writeAudit(ctx, {
    action: 'publish', entity: 'flow_version', entityId: row.id,
    details: { flow: row.flowKey, version: row.version, supersedes: previous?.version ?? null, owner: row.owner?.code ?? null },
  });
  return { version: row.version, supersedes: previous?.version ?? null };
}

/** The languages of the persons assigned to this flow; a text missing in one of them refuses the version, each listed. */
async function refuseMissingTranslations(tx: Parameters<typeof publishFlowVersion>[0]['ctx']['tx'], flowId: string, definition: FlowDefinition): Promise<void> {
  const rows = await tx
    .selectDistinct({ lang: persons.preferredLanguage })
    .from(flowAssignments)
    .innerJoin(persons, eq(persons.id, flowAssignments.personId))
    .where(and(eq(flowAssignments.flowId, flowId), eq(flowAssignments.active, true), sql`${persons.preferredLanguage} not in ('ja', 'ja-easy', 'en')`));
  const missing = missingTranslations(definition, rows.map((r) => r.lang as Lang));
  if (missing.length === 0) return;
  throw new ValidationError(
    missing.map((m) => ({
      field: `definition.${m.path}.${m.lang}`,
      message: `missing ${languageOf(m.lang).en}: a person assigned to this flow reads it`,
      messageJa: `${languageOf(m.lang).ja}の訳がありません（このフローの対象者が使っています）`,
    })),
  );
}
