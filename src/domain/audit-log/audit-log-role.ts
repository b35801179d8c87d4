import { sql } from 'drizzle-orm';
import { queryRows, type DbHandle } from '../../../db/client';
import type { Logger } from '../../platform/logger';

interface RoleFacts {
  superuser: boolean;
  createrole: boolean;
  owner_rights: boolean;
  may_change: boolean;
}

/**
 * What the app's own database role could do to the audit log beyond reading and appending
 * (README: Deployment: database roles). Empty when it is the limited role the migrations set
 * up (a member of mimamori_app). PGlite is embedded and single-user: nothing to check.
 */
export async function auditLogRoleProblems(handle: DbHandle): Promise<string[]> {
  if (handle.kind !== 'postgres') return [];
  const [facts] = await queryRows<RoleFacts>(
    handle.db,
    sql`select r.rolsuper as superuser, r.rolcreaterole as createrole,
          pg_has_role(current_user, c.relowner, 'USAGE') as owner_rights,
          has_table_privilege('public.audit_log', 'UPDATE, DELETE, TRUNCATE') as may_change
        from pg_roles r, pg_class c
        where r.rolname = current_user and c.oid = 'public.audit_log'::regclass`,
  );
  if (!facts) return ['the audit_log table is missing: run the migrations'];
  const problems: string[] = [];
  if (facts.superuser) problems.push('the app connects to PostgreSQL as a superuser, who can rewrite or drop the audit log');
  else if (facts.owner_rights) problems.push("the app's database role owns audit_log (or may act as its owner), so it could disable the append-only trigger and delete rows");
  else if (facts.may_change) problems.push("the app's database role may UPDATE, DELETE or TRUNCATE audit_log");
  if (facts.createrole && !facts.superuser) problems.push("the app's database role may create roles, and so grant itself the audit log owner's rights");
  return problems;
}

/** Log each problem once at start: a warning in production, information elsewhere. */
export async function warnOnAuditLogRole(handle: DbHandle, logger: Logger, production: boolean): Promise<void> {
  try {
    for (const p of await auditLogRoleProblems(handle)) {
      (production ? logger.warn.bind(logger) : logger.info.bind(logger))({ database: 'roles' }, `${p}; run the app as a member of mimamori_app (README: Deployment: database roles)`);
    }
  } catch (err) {
    logger.warn({ err }, 'could not check what the database role may do to the audit log');
  }
}
