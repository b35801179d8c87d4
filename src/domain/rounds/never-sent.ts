import { sql, type SQL } from 'drizzle-orm';

/**
 * "Was this check ever sent?" as SQL over a session's columns, for the sessions a tick
 * closes. Something left us when a provider took it (it has a provider id, even if it later
 * failed to reach the phone or the call went unanswered) or when it is being handed over
 * ('sending': a worker may have died after the provider took it — not claimed as unsent).
 * (person_id first: outbound_messages is indexed by person, not by session; a round's LINE
 * multicasts are one row each in line_multicasts, found by session through its GIN index.)
 */
export function somethingLeftSql(s: { id: SQL; personId: SQL }): SQL {
  return sql`(exists (select 1 from outbound_messages o where o.person_id = ${s.personId} and o.session_id = ${s.id}
    and (o.provider_message_id is not null or o.status in ('sending', 'sent', 'delivered')))
    or ${multicastLeftSql(s.id)})`;
}

/**
 * A LINE multicast that left us named the session — which may still be pending: the tick
 * marks a multicast's sessions prompted a minute or more after it went out (markMulticastSessions).
 */
export const multicastLeftSql = (sessionId: SQL): SQL =>
  sql`exists (select 1 from line_multicasts m where m.session_ids @> array[${sessionId}]::uuid[]
    and (m.provider_message_id is not null or m.status in ('sending', 'sent', 'delivered')))`;

/** A LINE multicast (one row for its ≤ 500 recipients, line_multicasts) named the session. */
export const multicastRecordedSql = (sessionId: SQL): SQL => sql`exists (select 1 from line_multicasts m where m.session_ids @> array[${sessionId}]::uuid[])`;

/** The session's channel may be used: LINE linked, an SMS/voice number not opted out or unreachable; the web link always has a way (or a failed row). */
export function channelUsableSql(s: { personId: SQL; channel: SQL }): SQL {
  return sql`(${s.channel} = 'web' or exists (select 1 from person_channels pc where pc.person_id = ${s.personId} and pc.kind = ${s.channel}
    and (pc.state = 'verified' or (pc.kind in ('sms', 'voice') and pc.state = 'pending'))))`;
}

/**
 * Never sent: nothing of the session left us, and there is a reason to say so — it was
 * still pending (no dispatch got through: retries spent, Redis lost it, quiet hours), a
 * dispatcher recorded a message that never went out, or the channel cannot be used. A
 * session marked prompted with nothing recorded on a usable channel is taken as sent (a
 * dispatcher that records nothing says nothing). Answered sessions are never asked.
 */
export function neverSentSql(s: { id: SQL; personId: SQL; channel: SQL; status: SQL }): SQL {
  const recorded = sql`(exists (select 1 from outbound_messages o where o.person_id = ${s.personId} and o.session_id = ${s.id}) or ${multicastRecordedSql(s.id)})`;
  return sql`(${s.status} in ('pending', 'prompted') and not ${somethingLeftSql(s)}
    and (${s.status} = 'pending' or ${recorded} or not ${channelUsableSql(s)}))`;
}
/**
 * The session was asked (counted as sent): prompted or further on, not cancelled — or pending
 * with a multicast sent, not marked yet. Only a pending session whose round time has come is
 * looked up (a multicast goes out at the round time): the rounds prepared ahead are not.
 */
export const askedSql = (s: { id: SQL; status: SQL; dueAt: SQL }, now: Date): SQL =>
  sql`(${s.status} not in ('pending', 'cancelled')
    or (${s.status} = 'pending' and ${s.dueAt} <= ${now.toISOString()}::timestamptz and ${multicastLeftSql(s.id)}))`;
