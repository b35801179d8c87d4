import { eq } from 'drizzle-orm';
import { jurisdictions, medicalInstitutions, STAFF_ROLES, staffUsers, type StaffRole } from '../../../db/schema';
import { jurisdictionScopePrefix, requireRoleAtLeast } from '../access';
import type { Actor, Ctx } from '../context';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';

/** Where each role is scoped: a health centre, a prefecture, the nation, or (clinicians) an institution. */
export const SCOPE_KIND: Record<StaffRole, 'health_centre' | 'prefecture' | 'nation' | 'institution' | 'facility'> = {
  nurse: 'health_centre',
  centre_admin: 'health_centre',
  prefecture_officer: 'prefecture',
  national_officer: 'nation',
  clinician: 'institution',
  facility_reporter: 'facility', // invited from the facility's page only (facility-accounts.ts)
};

/** A facility's account ranks below every health-centre role: it is no staff of the centre. */
export const ROLE_RANK: Record<StaffRole, number> = { facility_reporter: -1, clinician: 0, nurse: 1, centre_admin: 2, prefecture_officer: 3, national_officer: 4 };

export interface StaffScope {
  jurisdictionId: string | null;
  institutionId: string | null;
  /** The jurisdiction path the user works within (a clinician: their institution's centre). */
  path: string;
}

/** The scope a role needs, from a jurisdiction code ("13-101", "13", "JP") or an institution code. */
export async function resolveStaffScope(ctx: Ctx, role: StaffRole, codes: { jurisdictionCode?: string | null; institutionCode?: string | null }): Promise<StaffScope> {
  if (!STAFF_ROLES.includes(role)) throw new ValidationError([{ field: 'role', message: `must be one of ${STAFF_ROLES.join(', ')}`, messageJa: '役割が正しくありません' }]);
  const kind = SCOPE_KIND[role];
  if (kind === 'facility') throw new ValidationError([{ field: 'role', message: 'a facility account is created on the facility’s page', messageJa: '施設アカウントは施設のページから招待してください' }]);
  if (kind === 'institution') {
    const [inst] = await ctx.tx
      .select({ id: medicalInstitutions.id, path: jurisdictions.path })
      .from(medicalInstitutions)
      .innerJoin(jurisdictions, eq(jurisdictions.id, medicalInstitutions.jurisdictionId))
      .where(eq(medicalInstitutions.code, (codes.institutionCode ?? '').trim()));
    if (!inst) throw new ValidationError([{ field: 'institutionCode', message: 'unknown medical institution', messageJa: '医療機関が見つかりません' }]);
    return { jurisdictionId: null, institutionId: inst.id, path: inst.path };
  }
  const [j] = await ctx.tx.select({ id: jurisdictions.id, kind: jurisdictions.kind, path: jurisdictions.path }).from(jurisdictions).where(eq(jurisdictions.code, (codes.jurisdictionCode ?? '').trim()));
  if (!j || j.kind !== kind) {
    throw new ValidationError([{ field: 'jurisdictionCode', message: `a ${role} needs a ${kind.replace('_', ' ')} code`, messageJa: '所属の管轄コードが役割に合いません' }]);
  }
  return { jurisdictionId: j.id, institutionId: null, path: j.path };
}

/**
 * May the actor give `role` within `path`? centre_admin and up, only within their own
 * jurisdiction (a centre_admin: their centre) and never above their own role. System actors
 * (CLI, first start) may do anything.
 */
export function requireMayAssign(actor: Actor, role: StaffRole, path: string): void {
  if (actor.kind === 'system') return;
  requireRoleAtLeast(actor, 'centre_admin');
  if (actor.kind !== 'staff') throw new ForbiddenError();
  if (ROLE_RANK[role] > ROLE_RANK[actor.role]) {
    throw new ValidationError([{ field: 'role', message: 'cannot be above your own role', messageJa: 'ご自身より上位の役割は設定できません' }]);
  }
  const prefix = jurisdictionScopePrefix(actor);
  if (!prefix || !path.startsWith(prefix)) {
    throw new ValidationError([{ field: 'jurisdictionCode', message: 'must be within your own jurisdiction', messageJa: 'ご自身の管轄内の所属を指定してください' }]);
  }
}

export type ManagedStaff = typeof staffUsers.$inferSelect & { path: string | null };

/**
 * A staff user the actor may manage, locked for the change. Out of the actor's scope, or
 * the actor themself: "not found" (existence is not confirmed), or 403 for one of a higher role.
 */
export async function loadManagedStaff(ctx: Ctx, staffId: string): Promise<ManagedStaff> {
  requireRoleAtLeast(ctx.actor, 'centre_admin');
  const [row] = await ctx.tx.select().from(staffUsers).where(eq(staffUsers.id, staffId)).for('update');
  if (!row) throw new NotFoundError('staff_user', staffId);
  const path = await staffPath(ctx, row);
  const prefix = jurisdictionScopePrefix(ctx.actor);
  const self = ctx.actor.kind === 'staff' && ctx.actor.staffId === row.id;
  if (self || (ctx.actor.kind === 'staff' && (!prefix || !path?.startsWith(prefix)))) throw new NotFoundError('staff_user', staffId);
  if (ctx.actor.kind === 'staff' && ROLE_RANK[row.role] > ROLE_RANK[ctx.actor.role]) throw new ForbiddenError();
  return { ...row, path };
}

async function staffPath(ctx: Ctx, row: { jurisdictionId: string | null; institutionId: string | null }): Promise<string | null> {
  if (row.jurisdictionId) {
    const [j] = await ctx.tx.select({ path: jurisdictions.path }).from(jurisdictions).where(eq(jurisdictions.id, row.jurisdictionId));
    return j?.path ?? null;
  }
  if (!row.institutionId) return null;
  const [i] = await ctx.tx
    .select({ path: jurisdictions.path })
    .from(medicalInstitutions)
    .innerJoin(jurisdictions, eq(jurisdictions.id, medicalInstitutions.jurisdictionId))
    .where(eq(medicalInstitutions.id, row.institutionId));
  return i?.path ?? null;
}
