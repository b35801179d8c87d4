import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../../db/client';
import type { CreatedSession, CreateDueSessionsOptions } from './create-due-sessions';
import { quietHoursSql } from './quiet-hours';

/**
 * A first prompt still queued and untouched for the lease. The SMS and voice dispatchers
 * record the prompt (and mark the session prompted) before sending, so a job that gave up
 * after its retries — Twilio answering 5xx longer than the backoff — leaves the session
 * `prompted` with its prompt `queued`: claimPendingDispatch (pending sessions) never sees
 * it. The first bound on updated_at lets the partial index
 * outbound_messages_twilio_prompt_unsent_idx do the work.
 */
const staleQueued = (leaseStart: string) => sql`o.channel in ('sms', 'voice') and o.kind in ('prompt', 'call') and o.status = 'queued'
  and o.updated_at <= ${leaseStart}::timestamptz`;

/** The session's own first prompt: its SMS parts, or for a voice round the first call (attempt 1). */
const firstPromptOf = sql`((s.channel = 'sms' and o.kind = 'prompt') or (s.channel = 'voice' and o.retry_key = 'call:' || s.id::text || ':1'))`;

/**
 * The sweeper's half for first prompts recorded but never sent: the SMS prompt parts or
 * the first call of a round, still `queued` a lease (resweepMs) after anyone touched them,
 * for a session still waiting on it (prompted, round not over). Their rows are leased again
 * (updated_at = now) in the same statement, so two ticks never both take them, and the
 * sessions are returned for dispatch with the same job ids as their first dispatch: the
 * runner revives the failed job (addOrRevive), and the dispatcher sends only what is still
 * queued, so nothing goes out twice. Quiet hours: left for a tick after they end.
 * Rows of sessions already closed are marked failed ('round_over'): they will never be
 * sent, and the index stays small.
 */
export async function claimUnsentPrompts(db: DbOrTx, opts: CreateDueSessionsOptions & { limit: number }): Promise<CreatedSession[]> {
  const now = sql`${opts.now.toISOString()}::timestamptz`;
  const leaseStart = new Date(opts.now.getTime() - opts.resweepMs).toISOString();
  await db.execute(sql`
    update outbound_messages o set status = 'failed', error_code = 'round_over', error_message = 'not sent before the check closed', updated_at = ${now}
    from check_sessions s
    where o.id in (select o.id from outbound_messages o where ${staleQueued(leaseStart)} order by o.updated_at limit ${opts.limit})
      and s.id = o.session_id and o.status = 'queued' and (s.status not in ('pending', 'prompted', 'active') or s.expires_at <= ${now})`);
  const quiet = quietHoursSql(sql`j.time_zone`, opts.now, opts.quiet, sql`j.quiet_hours`);
  const rows = await queryRows<{ id: string; channel: CreatedSession['channel']; flow_version_id: string; round: string; local_date: string; lang: string }>(
    db,
    sql`
    with stale as (
      select o.id, o.session_id from outbound_messages o
      join check_sessions s on s.id = o.session_id
      join persons p on p.id = s.person_id
      join jurisdictions j on j.id = p.responsible_centre_id
      where ${staleQueued(leaseStart)} and ${firstPromptOf} and s.status = 'prompted' and s.expires_at > ${now} and not ${quiet.inQuiet}
      order by o.updated_at
      limit ${opts.limit}
      for update of o skip locked
    ),
    leased as (
      update outbound_messages o set updated_at = ${now} from stale where o.id = stale.id returning o.session_id
    )
    select distinct s.id, s.channel, s.flow_version_id, s.round, s.local_date::text as local_date, p.preferred_language as lang
    from leased join check_sessions s on s.id = leased.session_id join persons p on p.id = s.person_id`,
  );
  return rows
    .map((r) => ({ id: r.id, channel: r.channel, flowVersionId: r.flow_version_id, round: r.round, localDate: r.local_date, lang: r.lang, dispatchNow: true }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
