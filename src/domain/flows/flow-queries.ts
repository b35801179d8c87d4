import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../../db/client';
import { flows, flowVersions, jurisdictions, staffUsers, type FlowVersionStatus } from '../../../db/schema';
import type { Actor } from '../context';
import { NotFoundError } from '../errors';
import { flowScope, type FlowOwner } from './flow-scope';

const owner = alias(jurisdictions, 'flow_owner');
// Left-joined: drizzle gives null for the whole object when the flow has no owner (national).
const ownerColumns = { code: owner.code, kind: owner.kind, path: owner.path, nameJa: owner.nameJa, nameEn: owner.nameEn };

/** `visibleTo`: the actor the flow must be in scope for (else "not found"); omitted by verbs' internal reads only. */
export interface FlowLookup {
  visibleTo?: Actor;
  forUpdate?: boolean;
}
const whereVisible = (cond: SQL | undefined, visibleTo: Actor | undefined) => (visibleTo ? and(cond, flowScope(visibleTo)) : cond);

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
  /** null: a national flow (全国). */
  owner: FlowOwner | null;
  versions: FlowVersionSummary[]; // newest first
  /** The version new check sessions start on (the newest published), if any. */
  current: number | null;
  draft: number | null;
}

/**
 * The flows the actor sees (flow-scope.ts) with their versions, newest first: national ones
 * first, then by key. Flows hold no personal data, so reading them writes no audit row.
 */
export async function listFlows(db: DbOrTx, actor: Actor): Promise<FlowSummary[]> {
  const rows = await db
    .select({ flow: flows, v: flowVersions, author: staffUsers.displayName, owner: ownerColumns })
    .from(flows)
    .leftJoin(owner, eq(owner.id, flows.ownerJurisdictionId))
    .leftJoin(flowVersions, eq(flowVersions.flowId, flows.id))
    .leftJoin(staffUsers, eq(staffUsers.id, flowVersions.createdBy))
    .where(flowScope(actor))
    .orderBy(sql`${owner.path} nulls first`, asc(flows.key), desc(flowVersions.version));
  const byKey = new Map<string, FlowSummary>();
  for (const r of rows) {
    let f = byKey.get(r.flow.key);
    if (!f) {
      f = { key: r.flow.key, nameJa: r.flow.nameJa, nameEn: r.flow.nameEn, owner: r.owner, versions: [], current: null, draft: null };
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

export type FlowVersionRow = typeof flowVersions.$inferSelect & { flowKey: string; flowNameJa: string; flowNameEn: string; owner: FlowOwner | null };

const versionQuery = (db: DbOrTx, where: SQL | undefined) =>
  db
    .select({ v: flowVersions, key: flows.key, ja: flows.nameJa, en: flows.nameEn, owner: ownerColumns })
    .from(flowVersions)
    .innerJoin(flows, eq(flows.id, flowVersions.flowId))
    .leftJoin(owner, eq(owner.id, flows.ownerJurisdictionId))
    .where(where)
    .$dynamic();
type VersionQueryRow = Awaited<ReturnType<typeof versionQuery>>[number];
const versionRow = (row: VersionQueryRow): FlowVersionRow => ({ ...row.v, flowKey: row.key, flowNameJa: row.ja, flowNameEn: row.en, owner: row.owner });

/** One version of a flow by key and number, or NotFoundError (also when out of `visibleTo`'s scope). */
export async function getFlowVersion(db: DbOrTx, key: string, version: number, opts: FlowLookup = {}): Promise<FlowVersionRow> {
  const q = versionQuery(db, whereVisible(and(eq(flows.key, key), eq(flowVersions.version, version)), opts.visibleTo));
  const [row] = opts.forUpdate ? await q.for('update', { of: flowVersions }) : await q;
  if (!row) throw new NotFoundError('flow_version', `${key}@${version}`);
  return versionRow(row);
}

/**
 * The newest published version of a flow by key (what the diff compares a draft against),
 * or null — also when the flow is out of `visibleTo`'s scope.
 */
export async function latestPublished(db: DbOrTx, key: string, opts: Pick<FlowLookup, 'visibleTo'> = {}): Promise<FlowVersionRow | null> {
  const [row] = await versionQuery(db, whereVisible(and(eq(flows.key, key), eq(flowVersions.status, 'published')), opts.visibleTo))
    .orderBy(desc(flowVersions.version))
    .limit(1);
  return row ? versionRow(row) : null;
}

export type FlowRow = typeof flows.$inferSelect & { owner: FlowOwner | null };

/** The flow row by key with its owner, or NotFoundError (also when out of `visibleTo`'s scope). */
export async function getFlow(db: DbOrTx, key: string, opts: Pick<FlowLookup, 'visibleTo'> = {}): Promise<FlowRow> {
  const [row] = await db
    .select({ flow: flows, owner: ownerColumns })
    .from(flows)
    .leftJoin(owner, eq(owner.id, flows.ownerJurisdictionId))
    .where(whereVisible(eq(flows.key, key), opts.visibleTo));
  if (!row) throw new NotFoundError('flow', key);
  return { ...row.flow, owner: row.owner };
}
