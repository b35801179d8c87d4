import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../../db/client';
import { dueSql, retentionToday } from './retention-due';

/** Ids of records past their retention (not held, not erased), in id order from `after`: the deletion job's batches. */
export async function findDuePersons(db: DbOrTx, opts: { now: Date; retentionDays: number; limit: number; after?: string }): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select persons.id from persons where ${dueSql(opts.retentionDays, retentionToday(opts.now))}
        ${opts.after ? sql`and persons.id > ${opts.after}::uuid` : sql``}
        order by persons.id limit ${opts.limit}`,
  );
  return rows.map((r) => r.id);
}

/** Whether a person's personal data was erased (their links, certificates and pages then lead nowhere). */
export async function isErased(db: DbOrTx, personId: string): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(db, sql`select 1 as one from person_erasures where person_id = ${personId}`);
  return rows.length > 0;
}
