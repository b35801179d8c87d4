import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { persons } from '../../../db/schema';

/** Whether the patient's check page offers the 療養証明書: monitoring ended, and a patient (not a contact). */
export async function certificateOffered(db: DbOrTx, personId: string): Promise<boolean> {
  const [row] = await db.select({ id: persons.id }).from(persons).where(and(eq(persons.id, personId), eq(persons.status, 'monitoring_ended'), inArray(persons.classification, ['confirmed', 'asymptomatic']), sql`not exists (select 1 from person_erasures e where e.person_id = ${persons.id})`));
  return !!row;
}
