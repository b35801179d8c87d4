import QRCode from 'qrcode';
import type { Deps } from '../../deps';
import { requireRoleAtLeast } from '../access';
import { findOpenSession } from '../checks/find-open-session';
import { startCheck } from '../checks/start-check';
import { withTransaction, type Actor, type RequestInfo } from '../context';
import { NotFoundError } from '../errors';
import { personInScope } from '../persons/person-in-scope';
import { issueWebLink, webLinkKeys, type WebLink } from './issue-web-link';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The personal web link of a person's check, for the console to show as a QR code (the
 * nurse shows it on screen or prints it; the person scans it with their phone): the link of
 * the check they can answer now, or — when there is none — of a new web check started for
 * them ("send check now" by QR). Scope, role and audit as for every staff action.
 */
export async function personWebLink(deps: Deps, actor: Actor, personId: string, request?: RequestInfo): Promise<WebLink & { started: boolean; qrDataUrl: string }> {
  requireRoleAtLeast(actor, 'nurse');
  if (!UUID.test(personId)) throw new NotFoundError('person', personId);
  const link = await withTransaction(deps.db, { actor, now: deps.now(), request }, async (ctx) => {
    await personInScope(ctx, personId);
    const open = await findOpenSession(ctx.tx, personId, ctx.now);
    const sessionId = open?.id ?? (await startCheck({ ctx, input: { personId, channel: 'web', source: 'manual' } })).sessionId;
    return { ...(await issueWebLink({ ctx, input: { sessionId }, keys: webLinkKeys(deps.env) })), started: !open };
  });
  // Rendered here as SVG: no third-party QR service ever sees the link.
  const svg = await QRCode.toString(link.url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return { ...link, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}
