import type { Actor } from '../context';
import { ForbiddenError } from '../errors';

/**
 * Who may change what patients are asked. Flows have no owner: one definition per key
 * ('patient-daily', 'contact-daily') is asked of every person in the country, whichever
 * health centre follows them. Publishing a version — or archiving a published one, which
 * hands the flow back to an older version — therefore changes the questions nationwide,
 * and is for the national level only. Centre administrators and prefecture officers draft,
 * simulate and propose (a draft is reviewed and published by a national officer); they may
 * discard a draft. Jobs (system actors) are not limited.
 */
export const FLOW_PUBLISHER_ROLES = ['national_officer'] as const;

export function mayPublishFlows(actor: Actor): boolean {
  return actor.kind === 'system' || (actor.kind === 'staff' && (FLOW_PUBLISHER_ROLES as readonly string[]).includes(actor.role));
}

export function requireFlowPublisher(actor: Actor): void {
  if (!mayPublishFlows(actor)) {
    throw new ForbiddenError('flows are nationwide: only a national officer may publish or archive a published version', '質問フローは全国共通のため、公開（公開中の版のアーカイブを含む）は国の担当者のみが行えます');
  }
}
