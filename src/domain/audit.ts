import { auditLog } from '../../db/schema';
import { actorId, type Ctx } from './context';

export interface AuditEntry {
  action: string; // read, create, update, export, publish, login …
  entity: string;
  entityId?: string | null;
  personId?: string | null;
  details?: Record<string, unknown>;
}

/** Append one audit row in the verb's transaction. Details hold ids and field names, never values. */
export async function writeAudit(ctx: Ctx, entry: AuditEntry): Promise<void> {
  await writeAudits(ctx, [entry]);
}

/** The audit row writeAudit inserts, for a verb that writes it inside a statement of its own (raiseAlert). */
export function auditValues(ctx: Ctx, entry: AuditEntry): typeof auditLog.$inferInsert {
  return {
    actorKind: ctx.actor.kind === 'staff' ? (ctx.actor.via === 'token' ? 'token' : 'staff') : ctx.actor.kind,
    actorId: actorId(ctx.actor),
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId ?? null,
    personId: entry.personId ?? null,
    ip: ctx.request?.ip ?? null,
    userAgent: ctx.request?.userAgent ?? null,
    requestId: ctx.request?.requestId ?? null,
    details: entry.details ?? null,
    createdAt: ctx.now,
  };
}

/** Many audit rows in one statement (a bulk import's chunk): the same rows writeAudit would write one by one. */
export async function writeAudits(ctx: Ctx, entries: readonly AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  await ctx.tx.insert(auditLog).values(entries.map((entry) => auditValues(ctx, entry)));
}
