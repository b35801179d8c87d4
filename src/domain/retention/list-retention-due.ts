import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../../db/client';
import { personScope, requireRoleAtLeast } from '../access';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { addDays } from '../time';
import { parseInput } from '../validation';
import { dueSql, LIST_AHEAD_DAYS, retentionToday } from './retention-due';
import { requirePermission } from '../permissions';

const schema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(200) });

export interface RetentionRow {
  id: string;
  caseNumber: string;
  centreCode: string;
  monitoringActualEnd: string;
  /** The day the personal data is erased (end of monitoring + RETENTION_DAYS). */
  eraseOn: string;
  hold: { reason: string; heldAt: Date } | null;
}

/**
 * Records whose retention ends within the next 14 days (and those held past it), for
 * centre administrators and officers, in their scope. Case numbers and dates only — a list
 * of whom to forget is no reason to show who they are. Audited as a list (ids only).
 */
export async function listRetentionDue({ ctx, input, retentionDays }: VerbArgs<unknown> & { retentionDays: number }): Promise<{ retentionDays: number; today: string; persons: RetentionRow[] }> {
  requirePermission(ctx.actor, 'listRetentionDue');
  requireRoleAtLeast(ctx.actor, 'centre_admin');
  const q = parseInput(schema, input ?? {});
  const today = retentionToday(ctx.now);
  const rows = await queryRows<{ id: string; case_number: string; code: string; end: string; reason: string | null; held_at: Date | null }>(
    ctx.tx,
    sql`select persons.id, persons.case_number, j.code, persons.monitoring_actual_end::text as end, h.reason, h.held_at
        from persons join jurisdictions j on j.id = persons.responsible_centre_id
        left join retention_holds h on h.person_id = persons.id
        where ${personScope(ctx.actor)} and not exists (select 1 from person_erasures e where e.person_id = persons.id)
          and (${dueSql(retentionDays, today, LIST_AHEAD_DAYS)}
               or (h.person_id is not null and persons.monitoring_actual_end <= ${addDays(today, -retentionDays + LIST_AHEAD_DAYS)}::date))
        order by persons.monitoring_actual_end, persons.id
        limit ${q.limit}`,
  );
  if (rows.length) await writeAudit(ctx, { action: 'list', entity: 'retention', details: { personIds: rows.map((r) => r.id), count: rows.length } });
  return {
    retentionDays,
    today,
    persons: rows.map((r) => ({ id: r.id, caseNumber: r.case_number, centreCode: r.code, monitoringActualEnd: r.end, eraseOn: addDays(r.end, retentionDays), hold: r.reason ? { reason: r.reason, heldAt: new Date(r.held_at!) } : null })),
  };
}
