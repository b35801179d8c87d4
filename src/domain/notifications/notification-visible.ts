import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { notifications } from '../../../db/schema';
import type { Actor } from '../context';
import { notificationScope } from './notification-scope';

/**
 * Whether a notification is within the actor's scope — for the live queue, which tells a
 * console only that something changed (an id), never what: no personal data, no audit row.
 */
export async function notificationVisibleTo(db: DbOrTx, actor: Actor, id: string): Promise<boolean> {
  const [row] = await db.select({ id: notifications.id }).from(notifications).where(and(eq(notifications.id, id), notificationScope(actor)));
  return !!row;
}
