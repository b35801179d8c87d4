import { desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { flows, flowVersions } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { NotFoundError, ValidationError } from '../errors';
import { parseInput } from '../validation';
import { parseDefinitionFor } from './definition-issues';
import { getFlow } from './flow-queries';
import { requirePermission } from '../permissions';

/** Keys are part of URLs and of definitions: lowercase words joined by hyphens ("minato-daily"). */
export const FLOW_KEY = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const name = (max: number) => z.string({ message: 'is required' }).trim().min(1, 'is required').max(max, `must be at most ${max} characters`);
const optional = (v: unknown) => (v === '' || v === null ? undefined : v);

export const createFlowSchema = z.object({
  key: z
    .string({ message: 'is required' })
    .trim()
    .min(3, 'must be at least 3 characters')
    .max(40, 'must be at most 40 characters')
    .regex(FLOW_KEY, 'must be a lowercase slug: a-z, 0-9 and single hyphens, starting with a letter (e.g. minato-daily)'),
  nameJa: name(100),
  nameEn: name(100),
  /** The key of a flow (visible to the actor) whose newest version is copied. */
  from: z.preprocess(optional, z.string().trim().max(60, 'must be at most 60 characters').optional()),
  /** Or the first version's definition; its `key` must be the new key. */
  definition: z.unknown().optional(),
});
export type CreateFlowInput = z.input<typeof createFlowSchema>;

/**
 * Create a flow owned by the actor's jurisdiction — a health centre's own questions for its
 * persons, a prefecture's for its centres; a national officer's flow is national. It starts
 * as draft version 1: a copy of the newest version of a flow the actor sees (`from`, with
 * the new key and names written in), or the given definition. Publishing it is a separate,
 * audited act (publishFlowVersion). Centre administrators and up.
 *
 * @example createFlow({ ctx, input: { key: 'minato-daily', nameJa: '港区の健康観察', nameEn: 'Minato daily check', from: 'patient-daily' } })
 */
export async function createFlow({ ctx, input }: VerbArgs<unknown>): Promise<{ key: string; version: number; owner: string | null }> {
  requirePermission(ctx.actor, 'createFlow');
  const f = parseInput(createFlowSchema, input);
  if ((f.from === undefined) === (f.definition === undefined)) {
    throw new ValidationError([{ field: 'from', message: 'give either a flow to copy or a definition', messageJa: 'コピー元の質問フローか定義のどちらか一方を指定してください' }]);
  }
  const ownerId = ownerOfNewFlow(ctx);
  const [taken] = await ctx.tx.select({ id: flows.id }).from(flows).where(eq(flows.key, f.key));
  if (taken) throw keyTaken();
  const source = f.from === undefined ? null : await sourceDefinition(ctx, f.from);
  const raw = source ? { ...(source.definition as object), key: f.key, name: { ja: f.nameJa, en: f.nameEn } } : f.definition;
  const definition = parseDefinitionFor(f.key, raw);
  // The unique key decides between two administrators creating the same key at once.
  const [flow] = await ctx.tx.insert(flows).values({ key: f.key, nameJa: f.nameJa, nameEn: f.nameEn, ownerJurisdictionId: ownerId, createdAt: ctx.now }).onConflictDoNothing().returning({ id: flows.id });
  if (!flow) throw keyTaken();
  const [version] = await ctx.tx
    .insert(flowVersions)
    .values({ flowId: flow.id, version: 1, status: 'draft', specVersion: definition.spec, definition, createdBy: ctx.actor.kind === 'staff' ? ctx.actor.staffId : null, createdAt: ctx.now })
    .returning({ id: flowVersions.id });
  await writeAudit(ctx, { action: 'create', entity: 'flow', entityId: flow.id, details: { flow: f.key, owner: ownerId, from: source ? `${f.from}@${source.version}` : null, draft: version!.id } });
  return { key: f.key, version: 1, owner: ownerId };
}

const keyTaken = () => new ValidationError([{ field: 'key', message: 'is already used by another flow', messageJa: 'このキーは別の質問フローで使われています' }]);

/** The owner a new flow gets: the actor's own centre or prefecture; national for national officers and jobs. */
function ownerOfNewFlow(ctx: Ctx): string | null {
  const actor = ctx.actor;
  if (actor.kind !== 'staff' || actor.role === 'national_officer') return null;
  if (!actor.jurisdictionId) throw new ValidationError([{ field: 'key', message: 'your account has no jurisdiction to own a flow', messageJa: 'アカウントに所属の管轄がないため、質問フローを作成できません' }]);
  return actor.jurisdictionId;
}

/** The newest version (draft, published or archived, as createDraft copies) of a flow the actor sees. */
async function sourceDefinition(ctx: Ctx, key: string) {
  // A flow out of sight is answered like a missing one: its existence is not confirmed.
  const flow = await getFlow(ctx.tx, key, { visibleTo: ctx.actor }).catch((err: unknown) => {
    if (err instanceof NotFoundError) return null;
    throw err;
  });
  const [latest] = flow
    ? await ctx.tx.select({ version: flowVersions.version, definition: flowVersions.definition }).from(flowVersions).where(eq(flowVersions.flowId, flow.id)).orderBy(desc(flowVersions.version)).limit(1)
    : [];
  if (!latest) throw new ValidationError([{ field: 'from', message: 'unknown flow, or one without a version to copy', messageJa: 'コピー元の質問フローが見つかりません' }]);
  return latest;
}
