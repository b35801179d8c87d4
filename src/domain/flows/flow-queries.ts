import { and, asc, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { flows, flowVersions, staffUsers, type FlowVersionStatus } from '../../../db/schema';
import { NotFoundError } from '../errors';

export interface FlowVersionSummary {
  id: string;
  version: number;
  status: FlowVersionStatus;
  specVersion: number;
  createdAt: Date;
  createdBy: string | null; // display name
  publishedAt: Date | null;
  archivedAt: Date | null;
}

export interface FlowSummary {
  key: string;
  nameJa: string;
  nameEn: string;
  versions: FlowVersionSummary[]; // newest first
  /** The version new check sessions start on (the newest published), if any. */
  current: number | null;
  draft: number | null;
}

/**
 * Every flow with its versions, newest first. Flows are shared content (not a person's
 * record), so reading them needs no scope and no audit row.
 */
export async function listFlows(db: DbOrTx): Promise<FlowSummary[]> {
  const rows = await db
    .select({ flow: flows, v: flowVersions, author: staffUsers.displayName })
    .from(flows)
    .leftJoin(flowVersions, eq(flowVersions.flowId, flows.id))
    .leftJoin(staffUsers, eq(staffUsers.id, flowVersions.createdBy))
    .orderBy(asc(flows.key), desc(flowVersions.version));
  const byKey = new Map<string, FlowSummary>();
  for (const r of rows) {
    let f = byKey.get(r.flow.key);
    if (!f) {
      f = { key: r.flow.key, nameJa: r.flow.nameJa, nameEn: r.flow.nameEn, versions: [], current: null, draft: null };
      byKey.set(r.flow.key, f);
    }
    if (!r.v) continue;
    f.versions.push({
      id: r.v.id, version: r.v.version, status: r.v.status, specVersion: r.v.specVersion, createdAt: r.v.createdAt,
      createdBy: r.author, publishedAt: r.v.publishedAt, archivedAt: r.v.archivedAt,
    });
    if (r.v.status === 'published' && f.current === null) f.current = r.v.version;
    if (r.v.status === 'draft' && f.draft === null) f.draft = r.v.version;
  }
  return [...byKey.values()];
}

export type FlowVersionRow = typeof flowVersions.$inferSelect & { flowKey: string; flowNameJa: string; flowNameEn: string };

/** One version of a flow by key and number, or NotFoundError. */
export async function getFlowVersion(db: DbOrTx, key: string, version: number, opts: { forUpdate?: boolean } = {}): Promise<FlowVersionRow> {
  const q = db
    .select({ v: flowVersions, key: flows.key, ja: flows.nameJa, en: flows.nameEn })
    .from(flowVersions)
    .innerJoin(flows, eq(flows.id, flowVersions.flowId))
    .where(and(eq(flows.key, key), eq(flowVersions.version, version)));
  const [row] = opts.forUpdate ? await q.for('update', { of: flowVersions }) : await q;
  if (!row) throw new NotFoundError('flow_version', `${key}@${version}`);
  return { ...row.v, flowKey: row.key, flowNameJa: row.ja, flowNameEn: row.en };
}

/** The newest published version of a flow by key (what the diff compares a draft against), or null. */
export async function latestPublished(db: DbOrTx, key: string): Promise<FlowVersionRow | null> {
  const [row] = await db
    .select({ v: flowVersions, key: flows.key, ja: flows.nameJa, en: flows.nameEn })
    .from(flowVersions)
    .innerJoin(flows, eq(flows.id, flowVersions.flowId))
    .where(and(eq(flows.key, key), eq(flowVersions.status, 'published')))
    .orderBy(desc(flowVersions.version))
    .limit(1);
  return row ? { ...row.v, flowKey: row.key, flowNameJa: row.ja, flowNameEn: row.en } : null;
}

/** The flow row by key, or NotFoundError. */
export async function getFlow(db: DbOrTx, key: string) {
  const [row] = await db.select().from(flows).where(eq(flows.key, key));
  if (!row) throw new NotFoundError('flow', key);
  return row;
}
