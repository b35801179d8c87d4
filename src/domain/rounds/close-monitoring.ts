import { sql } from 'drizzle-orm';
import { queryRows, uuidArray, type DbOrTx } from '../../../db/client';
import type { ChannelKind } from '../../../db/schema';

export interface EndedPerson {
  personId: string;
  channel: ChannelKind;
}

/**
 * End monitoring for these persons in one set of statements: status 'monitoring_ended'
 * with the actual end (their local date), a status-history row, their open check sessions
 * cancelled (prompts stop) and an audit row each. Persons no longer monitored are skipped.
 * Shared by the tick (planned end reached) and the staff verb (end early).
 */
export async function closeMonitoring(
  db: DbOrTx,
  opts: { personIds: readonly string[]; now: Date; reason: string; actor: { kind: 'system' | 'staff' | 'token'; id: string; staffId?: string | null } },
): Promise<EndedPerson[]> {
  if (opts.personIds.length === 0) return [];
  const now = sql`${opts.now.toISOString()}::timestamptz`;
  const ended = await queryRows<{ id: string; channel: ChannelKind }>(
    db,
    sql`
    update persons p
    set status = 'monitoring_ended', monitoring_actual_end = (${now} at time zone j.time_zone)::date,
        monitoring_end_reason = ${opts.reason}, updated_at = ${now}
    from jurisdictions j
    where p.id = any(${uuidArray(opts.personIds)}) and j.id = p.responsible_centre_id
      and p.status in ('close_contact', 'home_recuperation', 'hotel_recuperation')
    returning p.id, p.preferred_channel as channel`,
  );
  if (ended.length === 0) return [];
  const ids = uuidArray(ended.map((e) => e.id));
  await db.execute(sql`
    insert into person_status_history (person_id, status, note, changed_by, changed_at)
    select unnest(${ids}), 'monitoring_ended', ${opts.reason}, ${opts.actor.staffId ?? null}::uuid, ${now}`);
  await db.execute(sql`
    update check_sessions set status = 'cancelled', next_action_at = null, updated_at = ${now}
    where person_id = any(${ids}) and status in ('pending', 'prompted', 'active')`);
  await db.execute(sql`
    insert into audit_log (actor_kind, actor_id, action, entity, entity_id, person_id, details, created_at)
    select ${opts.actor.kind}, ${opts.actor.id}, 'end_monitoring', 'person', x::text, x, ${JSON.stringify({ reason: opts.reason })}::jsonb, ${now}
    from unnest(${ids}) x`);
  return ended.map((e) => ({ personId: e.id, channel: e.channel }));
}
