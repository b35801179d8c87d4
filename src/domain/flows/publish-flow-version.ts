import { eq } from 'drizzle-orm';
import { flowVersions } from '../../../db/schema';
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
 * of the actor's sight is "not found".
 */
export async function publishFlowVersion({ ctx, input }: VerbArgs<{ flowKey: string; version: number }>): Promise<{ version: number; supersedes: number | null }> {
  requirePermission(ctx.actor, 'publishFlowVersion');
  const row = await getFlowVersion(ctx.tx, input.flowKey, input.version, { forUpdate: true, visibleTo: ctx.actor });
  requireFlowPublisher(ctx.actor, row.owner);
  if (row.status !== 'draft') throw new ConflictError(`version ${row.version} is ${row.status}: only a draft can be published`, undefined, `第${row.version}版は${FLOW_VERSION_STATUS_JA[row.status]}です。公開できるのは下書きだけです`);
  // Re-checked here: a draft stored by an older engine may no longer be valid.
  parseDefinitionFor(row.flowKey, row.definition);
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
