import { and, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { flows, flowVersions } from '../../../db/schema';
import { parseFlowDefinition, type FlowVersion } from '../../flows';
import { NotFoundError } from '../errors';

// Published versions are immutable, so a parsed definition can be kept for the process's life.
const parsedVersions = new Map<string, FlowVersion>();

/** A flow version by id, parsed (and migrated forward) once per process. */
export async function loadFlowVersion(db: DbOrTx, versionId: string): Promise<FlowVersion> {
  const cached = parsedVersions.get(versionId);
  if (cached) return cached;
  const [row] = await db
    .select({ version: flowVersions.version, status: flowVersions.status, definition: flowVersions.definition, key: flows.key })
    .from(flowVersions)
    .innerJoin(flows, eq(flows.id, flowVersions.flowId))
    .where(eq(flowVersions.id, versionId));
  if (!row) throw new NotFoundError('flow_version', versionId);
  const parsed = parseFlowDefinition(row.definition);
  if (!parsed.ok) throw new Error(`flow ${row.key} v${row.version} is invalid: ${parsed.errors.map((e) => e.path).join(', ')}`);
  const version: FlowVersion = { flowKey: row.key, version: row.version, definition: parsed.definition };
  if (row.status !== 'draft') {
    if (parsedVersions.size > 500) parsedVersions.clear();
    parsedVersions.set(versionId, version);
  }
  return version;
}

/** The newest published version of a flow (new sessions start on it). */
export async function latestPublishedVersionId(db: DbOrTx, flowId: string): Promise<string | null> {
  const [row] = await db
    .select({ id: flowVersions.id })
    .from(flowVersions)
    .where(and(eq(flowVersions.flowId, flowId), eq(flowVersions.status, 'published')))
    .orderBy(desc(flowVersions.version))
    .limit(1);
  return row?.id ?? null;
}
