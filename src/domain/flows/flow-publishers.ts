import type { Actor } from '../context';
import { ForbiddenError } from '../errors';
import { ROLE_RANK } from '../staff/staff-scope';
import type { FlowOwner } from './flow-scope';

/**
 * Who may change what patients are asked: publishing a version — or archiving a published
 * one, which hands the flow back to an older version. Centre administrators and up, and
 * only for flows their jurisdiction owns:
 * - centre_admin: flows owned by their health centre;
 * - prefecture_officer: flows owned by their prefecture or a centre under it;
 * - national_officer: any flow, and they alone the national ones (asked nationwide).
 * Anyone who sees a flow may draft and simulate (a proposal for its owner to publish).
 * Jobs (system actors) are not limited.
 */
export function mayPublishFlow(actor: Actor, owner: FlowOwner | null): boolean {
  return publishRefusal(actor, owner) === null;
}

/** Throws the refusal, in English and Japanese, when the actor may not publish this flow. */
export function requireFlowPublisher(actor: Actor, owner: FlowOwner | null): void {
  const refusal = publishRefusal(actor, owner);
  if (refusal) throw refusal;
}

function publishRefusal(actor: Actor, owner: FlowOwner | null): ForbiddenError | null {
  if (actor.kind === 'system') return null;
  if (actor.kind !== 'staff' || ROLE_RANK[actor.role] < ROLE_RANK.centre_admin) {
    return new ForbiddenError('only a centre administrator or above may publish a flow or archive a published version', '質問フローの公開（公開中の版のアーカイブを含む）は保健所管理者以上のみが行えます');
  }
  if (actor.role === 'national_officer') return null;
  if (owner === null) {
    return new ForbiddenError('this flow is national: only a national officer may publish it or archive a published version', 'この質問フローは全国共通のため、公開（公開中の版のアーカイブを含む）は国の担当者のみが行えます');
  }
  if (actor.jurisdictionPath && owner.path.startsWith(actor.jurisdictionPath)) return null;
  return new ForbiddenError(
    `this flow belongs to ${owner.nameEn}: only its administrators and the officers above may publish it or archive a published version`,
    `この質問フローは${owner.nameJa}の所有のため、公開（公開中の版のアーカイブを含む）は${owner.nameJa}とその上位の担当者のみが行えます`,
  );
}
