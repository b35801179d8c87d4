import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { persons } from '../../../db/schema';
import type { Lang } from '../../flows';

/** The language a person is spoken to in (ja when the person is unknown). */
export async function preferredLanguage(db: DbOrTx, personId: string): Promise<Lang> {
  const [p] = await db.select({ lang: persons.preferredLanguage }).from(persons).where(eq(persons.id, personId));
  return (p?.lang as Lang | undefined) ?? 'ja';
}
