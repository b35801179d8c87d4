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

/** Many audit rows in one statement (a bulk import's chunk): the same rows writeAudit would write one by one. */
export async function writeAudits(ctx: Ctx, entries: readonly AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  const actorKind = ctx.actor.kind === 'staff' ? (ctx.actor.via === 'token' ? ('token' as const) : ('staff' as const)) : ctx.actor.kind;
  await ctx.tx.insert(auditLog).values(
    entries.map((entry) => ({
      actorKind,
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
    })),
  );
}
