import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { queryRows } from '../../db/client';

export interface StatementCost {
  query: string;
  calls: number;
  callsPerAnswer: number;
  /** Execution and planning time in the server, ms per answer. */
  execMsPerAnswer: number;
  planMsPerAnswer: number;
  plans: number;
  rowsPerCall: number;
  /** Shared blocks hit + read per call; dirtied and written per call. */
  blksPerCall: number;
  dirtiedPerCall: number;
  walBytesPerAnswer: number;
}

/**
 * pg_stat_statements of the bench's own database only (the extension must be in
 * shared_preload_libraries; created here if missing). `reset` before a round, `top` after it.
 */
export async function pgStatements(db: DbOrTx) {
  await db.execute(sql`create extension if not exists pg_stat_statements`);
  // Sessions that connect from now on count planning too (planning is a statement's cost when nothing is prepared).
  const [{ name }] = await queryRows<{ name: string }>(db, sql`select current_database() as name`) as [{ name: string }];
  await db.execute(sql.raw(`alter database "${name}" set pg_stat_statements.track_planning = on`));
  const dbid = sql`(select oid from pg_database where datname = current_database())`;
  return {
    async reset(): Promise<void> {
      await db.execute(sql`select pg_stat_statements_reset(0, ${dbid}, 0)`);
    },
    async top(answers: number, limit = 25): Promise<{ totalExecMsPerAnswer: number; totalPlanMsPerAnswer: number; callsPerAnswer: number; statements: StatementCost[] }> {
      const rows = await queryRows<{ query: string; calls: string; exec: number; plan: number; plans: string; rows: string; blks: string; dirtied: string; wal: string }>(
        db,
        sql`select query, calls, total_exec_time as exec, total_plan_time as plan, plans, rows, shared_blks_hit + shared_blks_read as blks, shared_blks_dirtied as dirtied, wal_bytes as wal
            from pg_stat_statements where dbid = ${dbid} and query not like '%pg_stat_statements%' order by total_exec_time + total_plan_time desc`,
      );
      const per = (n: number) => Number((n / answers).toFixed(3));
      const statements = rows.map((r) => ({
        query: r.query.replace(/\s+/g, ' ').slice(0, 160),
        calls: Number(r.calls),
        callsPerAnswer: per(Number(r.calls)),
        execMsPerAnswer: per(Number(r.exec)),
        planMsPerAnswer: per(Number(r.plan)),
        plans: Number(r.plans),
        rowsPerCall: Number((Number(r.rows) / Number(r.calls)).toFixed(1)),
        blksPerCall: Number((Number(r.blks) / Number(r.calls)).toFixed(1)),
        dirtiedPerCall: Number((Number(r.dirtied) / Number(r.calls)).toFixed(2)),
        walBytesPerAnswer: Math.round(Number(r.wal) / answers),
      }));
      return {
        totalExecMsPerAnswer: per(rows.reduce((n, r) => n + Number(r.exec), 0)),
        totalPlanMsPerAnswer: per(rows.reduce((n, r) => n + Number(r.plan), 0)),
        callsPerAnswer: per(rows.reduce((n, r) => n + Number(r.calls), 0)),
        statements: statements.slice(0, limit),
      };
    },
  };
}
