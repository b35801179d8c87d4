import { eq } from 'drizzle-orm';
import { flowVersions } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError } from '../errors';
import { FLOW_VERSION_STATUS_JA } from '../messages-ja';
import { parseDefinitionFor } from './definition-issues';
import { getFlowVersion } from './flow-queries';
import { requirePermission } from '../permissions';

export interface UpdateDraftInput {
  flowKey: string;
  version: number;
  definition: unknown;
}

/**
 * Replace a draft's definition. Only a valid definition is stored (the engine parses it
 * exactly as it will when a session starts), so every draft can be simulated and published;
 * an invalid one is a ValidationError with each problem's field and nothing is written —
 * the console keeps the administrator's text on screen.
 */
export async function updateDraft({ ctx, input }: VerbArgs<UpdateDraftInput>): Promise<{ version: number; changed: boolean }> {
  requirePermission(ctx.actor, 'updateDraft');
  const row = await getFlowVersion(ctx.tx, input.flowKey, input.version, { forUpdate: true, visibleTo: ctx.actor });
  if (row.status !== 'draft') throw new ConflictError(`version ${row.version} is ${row.status}: only a draft can be edited`, undefined, `第${row.version}版は${FLOW_VERSION_STATUS_JA[row.status]}です。編集できるのは下書きだけです`);
  const definition = parseDefinitionFor(row.flowKey, input.definition);
  const changed = JSON.stringify(definition) !== JSON.stringify(row.definition);
  if (!changed) return { version: row.version, changed };
  await ctx.tx.update(flowVersions).set({ definition, specVersion: definition.spec }).where(eq(flowVersions.id, row.id));
  await writeAudit(ctx, { action: 'update', entity: 'flow_version', entityId: row.id, details: { flow: row.flowKey, version: row.version } });
  return { version: row.version, changed };
}
