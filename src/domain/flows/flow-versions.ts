import { and, desc, eq, sql } from 'drizzle-orm';
import { listenChannel, type DbHandle, type DbOrTx } from '../../../db/client';
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

/** Published flow versions change: a NOTIFY on this channel (flowId) tells every process. */
export const FLOWS_CHANNEL = 'mimamori_flows';

// flowId → the newest published version id (null: none), and when it was read. A process
// that listens (watchFlowPublications) drops an entry on a publish or an archive anywhere;
// the age limit bounds how stale an entry can be in a process that missed the NOTIFY
// (its LISTEN connection was down, or it does not listen: tests, the CLI).
const latestPublishedByFlow = new Map<string, { versionId: string | null; readAt: number }>();
const LATEST_PUBLISHED_MAX_AGE_MS = 60_000;

/** The newest published version of a flow (new sessions start on it); kept per process until a publish or archive. */
export async function latestPublishedVersionId(db: DbOrTx, flowId: string): Promise<string | null> {
  const cached = latestPublishedByFlow.get(flowId);
  if (cached && Date.now() - cached.readAt < LATEST_PUBLISHED_MAX_AGE_MS) return cached.versionId;
  const readAt = Date.now();
  const [row] = await db
    .select({ id: flowVersions.id })
    .from(flowVersions)
    .where(and(eq(flowVersions.flowId, flowId), eq(flowVersions.status, 'published')))
    .orderBy(desc(flowVersions.version))
    .limit(1);
  const versionId = row?.id ?? null;
  if (latestPublishedByFlow.size > 5_000) latestPublishedByFlow.clear();
  latestPublishedByFlow.set(flowId, { versionId, readAt });
  return versionId;
}

/**
 * A flow's published versions changed (publish, archive): forget what this process kept and
 * tell the others, in the caller's transaction (PostgreSQL delivers the NOTIFY on commit).
 */
export async function announceFlowPublication(db: DbOrTx, flowId: string): Promise<void> {
  latestPublishedByFlow.delete(flowId);
  await db.execute(sql`select pg_notify(${FLOWS_CHANNEL}, ${flowId})`);
}

/**
 * Forget every flow version this process keeps (parsed and newest-published), for a process
 * that moves to another database: the test runner runs many files, each on its own database
 * cloned from one template, in one process, so the same ids can name other rows there.
 */
export function forgetFlowVersions(): void {
  parsedVersions.clear();
  latestPublishedByFlow.clear();
}

/** Drop a flow's kept published version (the NOTIFY listener), or every one. */
export function forgetPublishedVersion(flowId?: string): void {
  if (flowId) latestPublishedByFlow.delete(flowId);
  else latestPublishedByFlow.clear();
}

/**
 * LISTEN for flow publications on this process's database, so that a version published or
 * archived by any process is used by this one's next new session at once. Started by the
 * composition root (src/boot.ts); the listening connection closes with the pool.
 */
export async function watchFlowPublications(handle: DbHandle, onError: (err: Error) => void): Promise<void> {
  const onPayload = (flowId: string) => forgetPublishedVersion(flowId || undefined);
  try {
    await listenChannel(handle, FLOWS_CHANNEL, onPayload, () => forgetPublishedVersion());
  } catch (err) {
    onError(err as Error);
  }
}
