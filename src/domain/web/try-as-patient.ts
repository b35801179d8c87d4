import type { Deps } from '../../deps';
import { requireRoleAtLeast } from '../access';
import { startCheck } from '../checks/start-check';
import { withTransaction, type Actor, type RequestInfo } from '../context';
import { ForbiddenError, NotFoundError } from '../errors';
import { personInScope } from '../persons/person-in-scope';
import { issueWebLink, webLinkKeys, type WebLink } from './issue-web-link';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * 「患者として試す」: start a web check for a person now and return its personal link, so a
 * nurse (or someone trying Mimamori without any LINE or Twilio account) can answer as the
 * patient in the browser. The answers are real: they are stored and raise alerts like any
 * other channel's — which is why it is refused in production, where a staff member must
 * never answer in a patient's place. Scope and role are checked, and both the check and the
 * link are audited (send_check, issue_web_link).
 *
 * @example
 * // in the console router, behind staffAuth:
 * const link = await createTryAsPatientLink(deps, actor, personId);
 * return c.redirect(link.path, 303);
 */
export async function createTryAsPatientLink(deps: Deps, actor: Actor, personId: string, request?: RequestInfo): Promise<WebLink> {
  if (deps.env.NODE_ENV === 'production') throw new ForbiddenError('trying the patient page is only available outside production');
  requireRoleAtLeast(actor, 'nurse');
  if (!UUID.test(personId)) throw new NotFoundError('person', personId);
  return withTransaction(deps.db, { actor, now: deps.now(), request }, async (ctx) => {
    await personInScope(ctx, personId);
    const { sessionId } = await startCheck({ ctx, input: { personId, channel: 'web', source: 'manual' } });
    return issueWebLink({ ctx, input: { sessionId }, keys: webLinkKeys(deps.env) });
  });
}
