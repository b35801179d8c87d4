import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { facilities, facilityContacts } from '../../../db/schema';
import type { Env } from '../../config/env';
import type { VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { requirePermission } from '../permissions';
import { issueCodeFor } from '../persons/issue-link-code';
import { facilityInScope } from './facility-verbs';

/**
 * A LINE link code for one of a facility's staff contacts, so staff need not type a LINE
 * user id: the contact adds the official account and sends the code; their LINE user id is
 * stored on the contact (linkLineUser) and the round link reaches them by LINE
 * (facility-round-link.ts). The same code as a person's; audited against the contact.
 */
export async function issueFacilityContactLinkCode({ ctx, input, env }: VerbArgs<{ facilityId: string; contactId: string }> & { env: Pick<Env, 'APP_SECRET'> }): Promise<{ code: string; expiresAt: Date; contactName: string }> {
  requirePermission(ctx.actor, 'issueFacilityContactLinkCode');
  const f = await facilityInScope(ctx, input.facilityId);
  const [contact] = await ctx.tx.select().from(facilityContacts).where(and(eq(facilityContacts.id, input.contactId), eq(facilityContacts.facilityId, f.id)));
  if (!contact) throw new NotFoundError('facility_contact', input.contactId);
  const issued = await issueCodeFor(ctx, { facilityContactId: contact.id }, env);
  return { ...issued, contactName: contact.name };
}

/** A facility staff contact's facility name (named when their LINE is linked). */
export async function facilityOfContact(db: DbOrTx, facilityContactId: string): Promise<string | null> {
  const [row] = await db.select({ name: facilities.name }).from(facilityContacts).innerJoin(facilities, eq(facilities.id, facilityContacts.facilityId)).where(eq(facilityContacts.id, facilityContactId));
  return row?.name ?? null;
}

/** Whether a LINE user is one of the facilities' staff contacts (sent the round link by LINE). */
export async function isFacilityContactLine(db: DbOrTx, lineUserId: string): Promise<boolean> {
  const [row] = await db.select({ id: facilityContacts.id }).from(facilityContacts).where(eq(facilityContacts.lineUserId, lineUserId)).limit(1);
  return !!row;
}
