import { and, eq, ne } from 'drizzle-orm';
import { flowVersions } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError } from '../errors';
import { requireFlowPublisher } from './flow-publishers';
import { getFlowVersion } from './flow-queries';
import { requirePermission } from '../permissions';
import { announceFlowPublication } from './flow-versions';

/**
 * Archive a version: a draft is discarded, a published one stops being used for new
 * sessions (the newest remaining published version takes over). The last published
 * version of a flow cannot be archived — persons assigned to it would get no check.
 * Check sessions already pinned to it keep running on it.
 */
export async function archiveFlowVersion({ ctx, input }: VerbArgs<{ flowKey: string; version: number }>): Promise<{ version: number }> {
  requirePermission(ctx.actor, 'archiveFlowVersion');
  const row = await getFlowVersion(ctx.tx, input.flowKey, input.version, { forUpdate: true, visibleTo: ctx.actor });
  // Discarding a draft changes nothing patients see; taking a published version away does.
  if (row.status === 'published') requireFlowPublisher(ctx.actor, row.owner);
  if (row.status === 'archived') throw new ConflictError(`version ${row.version} is already archived`, undefined, `第${row.version}版はすでにアーカイブ済みです`);
  if (row.status === 'published') {
    const others = await ctx.tx
      .select({ id: flowVersions.id })
      .from(flowVersions)
      .where(and(eq(flowVersions.flowId, row.flowId), eq(flowVersions.status, 'published'), ne(flowVersions.id, row.id)))
      .for('update');
    if (others.length === 0) throw new ConflictError('the only published version of a flow cannot be archived: publish another first', undefined, '公開中の版が他にないため、アーカイブできません。先に別の版を公開してください');
  }
  await ctx.tx.update(flowVersions).set({ status: 'archived', archivedAt: ctx.now }).where(eq(flowVersions.id, row.id));
  if (row.status === 'published') await announceFlowPublication(ctx.tx, row.flowId);
  await writeAudit(ctx, { action: 'archive', entity: 'flow_version', entityId: row.id, details: { flow: row.flowKey, version: row.version, was: row.status } });
  return { version: row.version };
}
