import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client';
import { CHECK_SESSION_STATUSES } from '../../../db/schema';
import { backlogColumns } from './inbox-backlog';

/**
 * What operators watch, as counts only (no person, no phone, no free text): the inbox, open
 * alerts, today's rounds and the database's connections. Read at every scrape of the metrics
 * port (src/ops/metrics.ts), so every query here rides an index or a small table.
 */
export interface OperationsSnapshot {
  inbox: { stored: number; backlog: number; oldestAgeSeconds: number };
  alerts: { severity: string; status: string; count: number }[];
  /** Seconds the oldest red alert nobody acknowledged has waited (0: none). */
  oldestUnackedRedSeconds: number;
  /** Today's (Japan) rounds: sessions due by now, prompted, answered, missed. */
  rounds: { round: string; due: number; sent: number; answered: number; nonResponders: number }[];
  dbConnections: { state: string; count: number }[];
}

const num = (v: unknown) => Number(v ?? 0);

/** The inbox: rows stored, unprocessed, and the age of the oldest unprocessed (its partial index). */
export async function readInbox(db: Db, now: Date): Promise<OperationsSnapshot['inbox']> {
  const [inbox] = await queryRows<{ stored: string; backlog: string; oldest: string | null }>(
    db,
    sql`select (select coalesce(max(seq), 0) from inbound_events) as stored, ${backlogColumns(now)} from inbound_events where processed_at is null`,
  );
  return { stored: num(inbox?.stored), backlog: num(inbox?.backlog), oldestAgeSeconds: Math.max(0, num(inbox?.oldest)) };
}

/**
 * Today's (Japan) rounds. Bounded by today's sessions, whatever the days held: the sessions
 * due within today's Japanese day, found through check_sessions_status_due_idx (status, due_at)
 * — every status listed, so the index's leading column is matched — rather than by local_date,
 * which no index leads with (a scan of every session ever held at every scrape).
 */
export function todaysRoundsSql(now: Date): SQL {
  const at = sql`${now.toISOString()}::timestamptz`;
  const today = sql`(${at} at time zone 'Asia/Tokyo')::date`;
  return sql`select round, count(*) filter (where due_at <= ${at}) as due, count(*) filter (where prompted_at is not null) as sent,
               count(*) filter (where status = 'completed') as answered, count(*) filter (where status = 'missed') as missed
        from check_sessions
        where status in (${sql.raw(CHECK_SESSION_STATUSES.map((x) => `'${x}'`).join(', '))})
          and due_at >= (${today}::timestamp at time zone 'Asia/Tokyo') and due_at < ((${today} + 1)::timestamp at time zone 'Asia/Tokyo')
          and local_date = ${today}
        group by round`;
}

export async function readOperationsSnapshot(db: Db, now: Date): Promise<OperationsSnapshot> {
  const at = now.toISOString();
  const inbox = await readInbox(db, now);
  const alerts = await queryRows<{ severity: string; status: string; count: string }>(
    db,
    sql`select severity, status, count(*) as count from alerts where status in ('open', 'acknowledged') group by 1, 2`,
  );
  const [red] = await queryRows<{ age: string | null }>(
    db,
    sql`select extract(epoch from (${at}::timestamptz - min(created_at))) as age from alerts where status = 'open' and severity = 'red'`,
  );
  const rounds = await queryRows<{ round: string; due: string; sent: string; answered: string; missed: string }>(db, todaysRoundsSql(now));
  const connections = await queryRows<{ state: string | null; count: string }>(
    db,
    sql`select coalesce(state, 'unknown') as state, count(*) as count from pg_stat_activity where datname = current_database() group by 1`,
  );
  return {
    inbox,
    alerts: alerts.map((a) => ({ severity: a.severity, status: a.status, count: num(a.count) })),
    oldestUnackedRedSeconds: Math.max(0, num(red?.age)),
    rounds: rounds.map((r) => ({ round: r.round, due: num(r.due), sent: num(r.sent), answered: num(r.answered), nonResponders: num(r.missed) })),
    dbConnections: connections.map((c) => ({ state: c.state ?? 'unknown', count: num(c.count) })),
  };
}
