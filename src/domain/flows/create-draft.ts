import { desc, eq } from 'drizzle-orm';
import { flowVersions } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError } from '../errors';
import { parseDefinitionFor } from './definition-issues';
import { getFlow } from './flow-queries';
import { requirePermission } from '../permissions';

export interface CreateDraftInput {
  flowKey: string;
  /** The draft's content; default a copy of the newest version (draft, published or archived). */
  definition?: unknown;
}

/**
 * Start a new draft of a flow: the next version number, a copy of the latest version
 * unless a definition is given. One draft per flow at a time, so two administrators do
 * not edit diverging drafts without knowing: a second draft is a ConflictError naming it.
 * Anyone from nurse up who sees the flow may draft (suggest wording); publishing is for
 * the flow's owner's administrators and officers (flow-publishers.ts).
 */
export async function createDraft({ ctx, input }: VerbArgs<CreateDraftInput>): Promise<{ version: number; id: string }> {
  requirePermission(ctx.actor, 'createDraft');
  const flow = await getFlow(ctx.tx, input.flowKey, { visibleTo: ctx.actor });
  // Lock the flow's versions so two concurrent drafts cannot take the same number.
  const versions = await ctx.tx
    .select({ version: flowVersions.version, status: flowVersions.status, definition: flowVersions.definition, specVersion: flowVersions.specVersion })
    .from(flowVersions)
    .where(eq(flowVersions.flowId, flow.id))
    .orderBy(desc(flowVersions.version))
    .for('update');
  const openDraft = versions.find((v) => v.status === 'draft');
  if (openDraft) throw new ConflictError(`version ${openDraft.version} is already a draft: edit it or archive it first`, { draft: openDraft.version }, `第${openDraft.version}版の下書きがすでにあります。それを編集するか、アーカイブしてください`);
  const latest = versions[0];
  const definition = input.definition === undefined ? latest?.definition : parseDefinitionFor(flow.key, input.definition);
  if (definition === undefined) throw new ConflictError('this flow has no version to copy: give a definition', undefined, 'コピー元の版がありません。定義を指定してください');
  const next = (latest?.version ?? 0) + 1;
  const spec = (definition as { spec?: number }).spec ?? latest?.specVersion ?? 1;
  const [row] = await ctx.tx
    .insert(flowVersions)
    .values({
      flowId: flow.id, version: next, status: 'draft', specVersion: spec, definition,
      createdBy: ctx.actor.kind === 'staff' ? ctx.actor.staffId : null, createdAt: ctx.now,
    })
    .returning({ id: flowVersions.id });
  await writeAudit(ctx, { action: 'create', entity: 'flow_version', entityId: row!.id, details: { flow: flow.key, version: next, from: latest?.version ?? null } });
  return { version: next, id: row!.id };
}
