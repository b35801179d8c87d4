import { and, desc, eq, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { auditLog, persons, staffUsers } from '../../../db/schema';
import { jurisdictionScopePrefix, personScope } from '../access';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { parseInput } from '../validation';
import { showsIdentifiers } from '../personal-identifiers';
import { requirePermission } from '../permissions';

export const auditQuerySchema = z.object({
  action: z.string().trim().max(40).optional(),
  entity: z.string().trim().max(40).optional(),
  personId: z.uuid({ message: 'must be a person id' }).optional(),
  /** 事例番号: the person by case number. */
  caseNumber: z.string().trim().max(60).optional(),
  /** The staff member who acted, or whose account the row is about (sign-ins). */
  staffId: z.uuid({ message: 'must be a staff id' }).optional(),
  from: z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }).optional(),
  to: z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }).optional(),
  /** keyset paging: rows with an id below this */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

/**
 * The audit log, for centre administrators and up, limited to their scope: rows about
 * persons they may see, and rows written by staff of their jurisdiction. A national
 * officer sees every row. Browsing is itself audited.
 */
export async function browseAuditLog({ ctx, input }: VerbArgs<unknown>) {
  requirePermission(ctx.actor, 'browseAuditLog');
  const f = parseInput(auditQuerySchema, input);
  const where: SQL[] = [];
  const prefix = jurisdictionScopePrefix(ctx.actor);
  if (prefix !== '/') {
    where.push(sql`(${auditLog.personId} in (select ${persons.id} from ${persons} where ${personScope(ctx.actor)})
      or (${auditLog.actorKind} in ('staff','token') and ${auditLog.actorId} in (
        select s.id::text from staff_users s join jurisdictions j on j.id = s.jurisdiction_id where j.path like ${`${prefix ?? '/nowhere/'}%`}))
      or (${auditLog.entity} = 'staff_user' and ${auditLog.entityId} in (
        select s.id::text from staff_users s join jurisdictions j on j.id = s.jurisdiction_id where j.path like ${`${prefix ?? '/nowhere/'}%`})))`);
  }
  if (f.action) where.push(eq(auditLog.action, f.action));
  if (f.entity) where.push(eq(auditLog.entity, f.entity));
  if (f.personId) where.push(eq(auditLog.personId, f.personId));
  if (f.caseNumber) where.push(sql`${auditLog.personId} in (select p.id from persons p where p.case_number = ${f.caseNumber})`);
  if (f.staffId) where.push(sql`((${auditLog.actorKind} in ('staff','token') and ${auditLog.actorId} = ${f.staffId}) or (${auditLog.entity} = 'staff_user' and ${auditLog.entityId} = ${f.staffId}))`);
  if (f.from) where.push(gte(auditLog.createdAt, new Date(`${f.from}T00:00:00+09:00`)));
  if (f.to) where.push(lte(auditLog.createdAt, new Date(`${f.to}T23:59:59.999+09:00`)));
  if (f.before) where.push(lt(auditLog.id, f.before));
  const subject = alias(staffUsers, 'subject_staff');
  const rows = await ctx.tx
    .select({ a: auditLog, staffName: staffUsers.displayName, subjectName: subject.displayName, caseNumber: persons.caseNumber, personName: persons.name })
    .from(auditLog)
    .leftJoin(staffUsers, sql`${auditLog.actorKind} in ('staff','token') and ${staffUsers.id}::text = ${auditLog.actorId}`)
    .leftJoin(subject, sql`${auditLog.entity} = 'staff_user' and ${subject.id}::text = ${auditLog.entityId}`)
    .leftJoin(persons, eq(persons.id, auditLog.personId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(f.limit);
  await writeAudit(ctx, { action: 'list', entity: 'audit_log', details: { count: rows.length, filtered: Object.keys(input as object ?? {}).length > 0 } });
  // Names as the role may see them (a national officer's lists are pseudonymous: case numbers only).
  const names = showsIdentifiers(ctx.actor, 'person_list');
  return {
    entries: rows.map((r) => ({ ...r.a, staffName: r.staffName, subjectName: r.subjectName, caseNumber: r.caseNumber, personName: names ? r.personName : null })),
    nextBefore: rows.length === f.limit ? rows.at(-1)!.a.id : null,
  };
}
