import { eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { flowAssignments, flows, jurisdictions } from '../../../db/schema';
import type { Ctx } from '../context';
import { ValidationError } from '../errors';
import { flowUsableAt } from '../flows/flow-scope';
import { latestPublishedVersionId } from '../flows/flow-versions';
import { defaultFlowKey, type PersonFields } from './person-input';
import { localDateOf } from '../time';

const owner = alias(jurisdictions, 'flow_owner');

async function centrePath(ctx: Ctx, centreId: string): Promise<string> {
  const [centre] = await ctx.tx.select({ path: jurisdictions.path }).from(jurisdictions).where(eq(jurisdictions.id, centreId));
  return centre?.path ?? '';
}

/**
 * The flow `key` names, if a person followed by the health centre `centreId` may be asked
 * it: a national flow, or one owned by that centre or its prefecture, with a published
 * version to start checks on. Anything else is a 422 on flowKey — the same answer for a
 * key that does not exist and for another centre's flow, so neither is confirmed.
 */
export async function assignableFlow(ctx: Ctx, key: string, centreId: string): Promise<{ id: string; key: string }> {
  const [flow] = await ctx.tx
    .select({ id: flows.id, key: flows.key, owner: { path: owner.path } })
    .from(flows)
    .leftJoin(owner, eq(owner.id, flows.ownerJurisdictionId))
    .where(eq(flows.key, key));
  if (!flow || !flowUsableAt(flow.owner, await centrePath(ctx, centreId))) {
    throw new ValidationError([{
      field: 'flowKey',
      message: "must be a national flow, or one of the person's health centre or its prefecture",
      messageJa: '全国共通の質問フローか、担当保健所またはその都道府県の質問フローを指定してください',
    }]);
  }
  if (!(await latestPublishedVersionId(ctx.tx, flow.id))) {
    throw new ValidationError([{ field: 'flowKey', message: 'has no published version yet', messageJa: 'この質問フローには公開された版がまだありません' }]);
  }
  return { id: flow.id, key: flow.key };
}

/** The key of the flow a person is assigned, or null. */
export async function assignedFlowKey(ctx: Ctx, personId: string): Promise<string | null> {
  const [row] = await ctx.tx.select({ key: flows.key }).from(flowAssignments).innerJoin(flows, eq(flows.id, flowAssignments.flowId)).where(eq(flowAssignments.personId, personId));
  return row?.key ?? null;
}

/** Assign another flow (the rounds stay as they are); checks already started keep their version. */
export async function reassignFlow(ctx: Ctx, personId: string, key: string, centreId: string): Promise<void> {
  const flow = await assignableFlow(ctx, key, centreId);
  await ctx.tx.update(flowAssignments).set({ flowId: flow.id, updatedAt: ctx.now }).where(eq(flowAssignments.personId, personId));
}

/**
 * After a move to another health centre: a flow of the old centre (or prefecture) is not
 * the new centre's to ask, so the person goes back to the national default flow for their
 * classification. Returns the change, or null when the flow stays.
 */
export async function keepFlowUsable(ctx: Ctx, person: { id: string; classification: PersonFields['classification']; dateOfBirth?: string | null }, centreId: string): Promise<{ from: string; to: string } | null> {
  const [row] = await ctx.tx
    .select({ key: flows.key, owner: { path: owner.path } })
    .from(flowAssignments)
    .innerJoin(flows, eq(flows.id, flowAssignments.flowId))
    .leftJoin(owner, eq(owner.id, flows.ownerJurisdictionId))
    .where(eq(flowAssignments.personId, person.id));
  if (!row || flowUsableAt(row.owner, await centrePath(ctx, centreId))) return null;
  const to = defaultFlowKey(person.classification, person.dateOfBirth, localDateOf(ctx.now, 'Asia/Tokyo'));
  await reassignFlow(ctx, person.id, to, centreId);
  return { from: row.key, to };
}
