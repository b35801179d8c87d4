import { desc, eq, like } from 'drizzle-orm';
import { jurisdictions, personImports } from '../../../db/schema';
import type { VerbArgs } from '../context';
import { requireImporter } from './import-scope';
import { requirePermission } from '../permissions';

/** The actor's centres' latest imports (status and counts only: nothing personal), newest first. */
export async function listPersonImports({ ctx }: VerbArgs<Record<string, never>>) {
  requirePermission(ctx.actor, 'listPersonImports');
  requireImporter(ctx.actor);
  const a = ctx.actor;
  const q = ctx.tx
    .select({ id: personImports.id, status: personImports.status, dryRun: personImports.dryRun, total: personImports.total, created: personImports.created, updated: personImports.updated, failed: personImports.failed, createdAt: personImports.createdAt, centreCode: jurisdictions.code })
    .from(personImports)
    .innerJoin(jurisdictions, eq(jurisdictions.id, personImports.centreId))
    .orderBy(desc(personImports.createdAt))
    .limit(20);
  if (a.kind !== 'staff' || a.role === 'national_officer') return q;
  if (a.role === 'nurse' || a.role === 'centre_admin') return q.where(eq(personImports.centreId, a.jurisdictionId ?? '00000000-0000-0000-0000-000000000000'));
  return q.where(like(jurisdictions.path, `${a.jurisdictionPath ?? '/nowhere/'}%`));
}
