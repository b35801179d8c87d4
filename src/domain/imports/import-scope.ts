import { and, eq } from 'drizzle-orm';
import { jurisdictions, personImports, staffUsers } from '../../../db/schema';
import type { DbOrTx } from '../../../db/client';
import type { Actor, Ctx } from '../context';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';

const IMPORTER_ROLES = ['nurse', 'centre_admin', 'prefecture_officer', 'national_officer'] as const;

/** Who may import line lists: nurses and centre administrators for their centre, officers for the centres under them. */
export function requireImporter(actor: Actor): void {
  if (actor.kind === 'system') return;
  if (actor.kind !== 'staff' || !(IMPORTER_ROLES as readonly string[]).includes(actor.role)) {
    throw new ForbiddenError('only health-centre staff and officers may import persons', '名簿の取り込みは保健所の職員と担当官のみ行えます');
  }
}

/** The centre an import goes to: the code given (within scope), else the actor's own centre. */
export async function resolveImportCentre(ctx: Ctx, code: string | undefined): Promise<{ id: string; code: string; path: string }> {
  const actor = ctx.actor;
  requireImporter(actor);
  const where = code
    ? and(eq(jurisdictions.code, code), eq(jurisdictions.kind, 'health_centre'))
    : actor.kind === 'staff' && actor.jurisdictionId && (actor.role === 'nurse' || actor.role === 'centre_admin')
      ? eq(jurisdictions.id, actor.jurisdictionId)
      : null;
  if (!where) throw new ValidationError([{ field: 'centreCode', message: 'is required', messageJa: '取り込み先の保健所を選んでください' }]);
  const [centre] = await ctx.tx.select({ id: jurisdictions.id, code: jurisdictions.code, path: jurisdictions.path, kind: jurisdictions.kind }).from(jurisdictions).where(where);
  if (!centre || centre.kind !== 'health_centre') throw new ValidationError([{ field: 'centreCode', message: 'unknown health centre', messageJa: '保健所が見つかりません' }]);
  if (!centreInScope(actor, centre)) throw new ForbiddenError('that health centre is outside your scope', 'この保健所はあなたの担当範囲外です');
  return centre;
}

function centreInScope(actor: Actor, centre: { id: string; path: string }): boolean {
  if (actor.kind !== 'staff' || actor.role === 'national_officer') return true;
  if (actor.role === 'nurse' || actor.role === 'centre_admin') return actor.jurisdictionId === centre.id;
  return !!actor.jurisdictionPath && centre.path.startsWith(actor.jurisdictionPath);
}

/** An import the actor may see (its centre within their scope); else "not found". */
export async function importInScope(ctx: Ctx, importId: string, opts: { forUpdate?: boolean } = {}) {
  requireImporter(ctx.actor);
  const q = ctx.tx
    .select({ imp: personImports, centrePath: jurisdictions.path, centreCode: jurisdictions.code, centreNameJa: jurisdictions.nameJa })
    .from(personImports)
    .innerJoin(jurisdictions, eq(jurisdictions.id, personImports.centreId))
    .where(eq(personImports.id, importId));
  const [row] = opts.forUpdate ? await q.for('update', { of: personImports }) : await q;
  if (!row || !centreInScope(ctx.actor, { id: row.imp.centreId, path: row.centrePath })) throw new NotFoundError('person_import', importId);
  return { ...row.imp, centreCode: row.centreCode, centreNameJa: row.centreNameJa };
}

/**
 * The staff user who started an import, as the actor its rows are registered by: the job
 * acts with their rights (scope, audit rows in their name), as if they typed each row.
 * Null when the user has been disabled since.
 */
export async function importerActor(tx: DbOrTx, staffId: string): Promise<Actor | null> {
  const [row] = await tx
    .select({ u: staffUsers, path: jurisdictions.path })
    .from(staffUsers)
    .leftJoin(jurisdictions, eq(jurisdictions.id, staffUsers.jurisdictionId))
    .where(eq(staffUsers.id, staffId));
  if (!row || row.u.disabled) return null;
  return { kind: 'staff', staffId: row.u.id, role: row.u.role, jurisdictionId: row.u.jurisdictionId, jurisdictionPath: row.path ?? null, institutionId: row.u.institutionId, via: 'session' };
}
