import { and, eq } from 'drizzle-orm';
import { checkSessions, persons } from '../../../db/schema';
import { appSecret, type Env } from '../../config/env';
import { onePersonScope } from '../access';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError, NotFoundError } from '../errors';
import { isSessionOpen } from '../checks/session';
import { createWebLinkSigner, type WebLinkSigner } from './link-token';
import { requirePermission } from '../permissions';

export interface WebLink {
  token: string;
  /** Path on this server, e.g. "/c/q83v…" — what the QR code and messages carry, after PUBLIC_BASE_URL. */
  path: string;
  url: string;
  expiresAt: Date;
}

export interface WebLinkKeys {
  signer: WebLinkSigner;
  baseUrl: string;
}

// One signer per secret: the imported CryptoKey is reused across requests.
const signers = new Map<string, WebLinkSigner>();

/** The signer and public address from the settings (APP_SECRET, PUBLIC_BASE_URL). */
export function webLinkKeys(env: Env): WebLinkKeys {
  const secret = appSecret(env);
  let signer = signers.get(secret);
  if (!signer) signers.set(secret, (signer = createWebLinkSigner(secret)));
  return { signer, baseUrl: env.PUBLIC_BASE_URL.replace(/\/+$/, '') };
}

/**
 * The personal web link of one check session, valid until the session's round is over
 * (check_sessions.expires_at). Staff may issue links only for persons in their scope, and
 * that is audited (a link lets whoever holds it answer as the person); channels and jobs
 * issue them as system or patient actors. A session that can no longer be answered gets
 * no link.
 *
 * @example
 * const link = await withTransaction(deps.db, { actor, now: deps.now() }, (ctx) =>
 *   issueWebLink({ ctx, input: { sessionId }, keys: webLinkKeys(deps.env) }));
 * // link.url === "http://localhost:3000/c/q83v…"
 */
export async function issueWebLink({ ctx, input, keys }: VerbArgs<{ sessionId: string }> & { keys: WebLinkKeys }): Promise<WebLink> {
  requirePermission(ctx.actor, 'issueWebLink');
  const [session] = await ctx.tx
    .select({ id: checkSessions.id, personId: checkSessions.personId, status: checkSessions.status, expiresAt: checkSessions.expiresAt })
    .from(checkSessions)
    .innerJoin(persons, eq(persons.id, checkSessions.personId))
    .where(and(eq(checkSessions.id, input.sessionId), onePersonScope(ctx.actor)));
  if (!session) throw new NotFoundError('check_session', input.sessionId);
  if (ctx.actor.kind === 'patient' && ctx.actor.personId !== session.personId) throw new NotFoundError('check_session', input.sessionId);
  if (!isSessionOpen(session, ctx.now)) {
    throw new ConflictError('this check can no longer be answered', { status: session.status });
  }
  const token = await keys.signer.sign(session.id, session.expiresAt);
  if (ctx.actor.kind === 'staff') {
    await writeAudit(ctx, { action: 'issue_web_link', entity: 'check_session', entityId: session.id, personId: session.personId });
  }
  const path = `/c/${token}`;
  return { token, path, url: `${keys.baseUrl}${path}`, expiresAt: new Date(Math.floor(session.expiresAt.getTime() / 1000) * 1000) };
}
