import type { Deps } from '../../../deps';
import { actorForToken } from '../../../domain/staff/api-tokens';
import { findStaffSession, passwordChangedAt as changedAt, sessionActor } from '../../../domain/staff/sessions';
import { readSessionCookie } from '../../auth/cookies';
import type { AdminContext, StaffActor } from '../../auth/types';

/** What must stay the same for an open stream to go on delivering. */
interface Standing {
  role: string;
  jurisdictionId: string | null;
  institutionId: string | null;
  passwordChangedAt: number | null;
}

const sameStanding = (a: Standing, b: Standing) =>
  a.role === b.role && a.jurisdictionId === b.jurisdictionId && a.institutionId === b.institutionId && a.passwordChangedAt === b.passwordChangedAt;

const passwordChangedAt = (deps: Deps, staffId: string) => changedAt(deps.db, staffId);

/** The actor the request's credentials stand for now, or null (logged out, revoked, expired, disabled). */
async function currentActor(deps: Deps, credentials: { cookie?: string; token?: string }): Promise<StaffActor | null> {
  const now = deps.now();
  if (credentials.token) return (await actorForToken(deps.db, credentials.token, now))?.actor ?? null;
  if (!credentials.cookie) return null;
  const session = await findStaffSession(deps.db, credentials.cookie, now);
  return session?.mfaPassed ? sessionActor(session, 'session') : null;
}

async function standingOf(deps: Deps, actor: StaffActor): Promise<Standing> {
  return { role: actor.role, jurisdictionId: actor.jurisdictionId, institutionId: actor.institutionId, passwordChangedAt: await passwordChangedAt(deps, actor.staffId) };
}

/**
 * A long-lived stream (the live alert queue) is authorised once by staffAuth when it
 * opens. This asks again: are the same credentials still good (not logged out, revoked,
 * expired, idle or disabled), for the same role and scope, and has the password not been
 * changed since? The stream calls `stillAllowed()` before each event and every few seconds.
 * @example const guard = await streamGuard(deps, c); … if (!(await guard.stillAllowed())) break;
 */
export async function streamGuard(deps: Deps, c: AdminContext): Promise<{ stillAllowed(): Promise<boolean> }> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
  const credentials = bearer ? { token: bearer[1]! } : { cookie: readSessionCookie(c, deps) };
  const opened = await standingOf(deps, c.get('actor'));
  return {
    async stillAllowed() {
      try {
        const actor = await currentActor(deps, credentials);
        return actor !== null && actor.staffId === c.get('actor').staffId && sameStanding(await standingOf(deps, actor), opened);
      } catch (err) {
        // The database is unreachable: deliver nothing more; the browser reconnects and is checked afresh.
        deps.logger.warn({ err: { message: (err as Error).message } }, 'live stream re-check failed; closing the stream');
        return false;
      }
    },
  };
}
