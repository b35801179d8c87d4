import { and, eq, gt, isNull, ne } from 'drizzle-orm';
import { jurisdictions, staffSessions, staffUsers } from '../../../db/schema';
import type { DbOrTx } from '../../../db/client';
import { randomToken, sha256 } from '../../platform/security/tokens';
import type { Actor, Ctx } from '../context';

/** A console session lasts a working day at most, and ends after 2 idle hours. */
export const SESSION_MAX_MS = 12 * 3600_000;
export const SESSION_IDLE_MS = 2 * 3600_000;

export type StaffActor = Extract<Actor, { kind: 'staff' }>;

export interface LoadedSession {
  key: string;
  csrfToken: string;
  mfaPassed: boolean;
  lastSeenAt: Date;
  user: { id: string; email: string; displayName: string; role: StaffActor['role']; totpConfirmed: boolean; jurisdictionId: string | null; jurisdictionPath: string | null; institutionId: string | null; facilityId: string | null };
}

/**
 * Start a server-side session. Returns the cookie value (shown once; only its SHA-256 is
 * stored) and the CSRF token that every form and state-changing call must echo.
 */
export async function createStaffSession(ctx: Ctx, input: { staffId: string; mfaPassed: boolean }): Promise<{ cookie: string; csrfToken: string }> {
  const cookie = randomToken();
  const csrfToken = randomToken();
  await ctx.tx.insert(staffSessions).values({
    id: sha256(cookie),
    staffUserId: input.staffId,
    csrfToken,
    mfaPassed: input.mfaPassed,
    ip: ctx.request?.ip ?? null,
    userAgent: ctx.request?.userAgent ?? null,
    createdAt: ctx.now,
    lastSeenAt: ctx.now,
    expiresAt: new Date(ctx.now.getTime() + SESSION_MAX_MS),
  });
  return { cookie, csrfToken };
}

/** The live session for a cookie value, or null (unknown, revoked, expired, idle, user disabled or locked). */
export async function findStaffSession(db: DbOrTx, cookie: string, now: Date): Promise<LoadedSession | null> {
  const key = sha256(cookie);
  const [row] = await db
    .select({ s: staffSessions, u: staffUsers, path: jurisdictions.path })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.staffUserId))
    .leftJoin(jurisdictions, eq(jurisdictions.id, staffUsers.jurisdictionId))
    .where(and(eq(staffSessions.id, key), isNull(staffSessions.revokedAt), gt(staffSessions.expiresAt, now)));
  if (!row || row.u.disabled) return null;
  // A locked account has no live session (lockAccount also ends them; this closes the race).
  if (row.u.lockedUntil && row.u.lockedUntil > now) return null;
  if (now.getTime() - row.s.lastSeenAt.getTime() > SESSION_IDLE_MS) return null;
  return {
    key,
    csrfToken: row.s.csrfToken,
    mfaPassed: row.s.mfaPassed,
    lastSeenAt: row.s.lastSeenAt,
    user: {
      id: row.u.id,
      email: row.u.email,
      displayName: row.u.displayName,
      role: row.u.role,
      totpConfirmed: !!row.u.totpSecret && row.u.totpLastStep !== null,
      jurisdictionId: row.u.jurisdictionId,
      jurisdictionPath: row.path ?? null,
      institutionId: row.u.institutionId,
      facilityId: row.u.facilityId,
    },
  };
}

/** Keep an active session alive; written at most once a minute per session. */
export async function touchStaffSession(db: DbOrTx, session: LoadedSession, now: Date): Promise<void> {
  if (now.getTime() - session.lastSeenAt.getTime() < 60_000) return;
  await db.update(staffSessions).set({ lastSeenAt: now }).where(eq(staffSessions.id, session.key));
}

export async function markSessionMfaPassed(db: DbOrTx, key: string): Promise<void> {
  await db.update(staffSessions).set({ mfaPassed: true }).where(eq(staffSessions.id, key));
}

/** Log out: this session only. */
export async function revokeStaffSession(db: DbOrTx, key: string, now: Date): Promise<void> {
  await db.update(staffSessions).set({ revokedAt: now }).where(eq(staffSessions.id, key));
}

/** End every other session of a user (after a password change). */
export async function revokeOtherSessions(db: DbOrTx, staffId: string, keepKey: string, now: Date): Promise<void> {
  await db.update(staffSessions).set({ revokedAt: now }).where(and(eq(staffSessions.staffUserId, staffId), ne(staffSessions.id, keepKey), isNull(staffSessions.revokedAt)));
}

/** The Actor a loaded session acts as. */
export function sessionActor(s: LoadedSession, via: 'session' | 'token'): StaffActor {
  return { kind: 'staff', staffId: s.user.id, role: s.user.role, jurisdictionId: s.user.jurisdictionId, jurisdictionPath: s.user.jurisdictionPath, institutionId: s.user.institutionId, facilityId: s.user.facilityId, via };
}

/** When a staff user's password last changed (ms), for a long-lived stream to notice a change and end. */
export async function passwordChangedAt(db: DbOrTx, staffId: string): Promise<number | null> {
  const [row] = await db.select({ at: staffUsers.passwordChangedAt }).from(staffUsers).where(eq(staffUsers.id, staffId));
  return row?.at?.getTime() ?? null;
}
