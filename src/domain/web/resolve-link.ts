import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { checkSessions, jurisdictions, persons } from '../../../db/schema';
import type { Lang } from '../../flows';
import type { WebLinkSigner } from './link-token';
import { isSessionOpen } from '../checks/session';
import { isErased } from '../retention/find-due-persons';
import { contactLanguageSql } from '../households/contact-reachable';

export interface CentreContact {
  nameJa: string;
  nameEn: string;
  phone: string | null;
}

export interface LinkedSession {
  id: string;
  personId: string;
  flowVersionId: string;
  localDate: string;
  status: string;
  state: unknown;
  preferredLanguage: Lang;
  centre: CentreContact;
}

/**
 * What a link leads to:
 * - invalid: not one of our links (bad shape or MAC) — nothing is looked up, nothing is told;
 * - done: the check was answered (the link is dead);
 * - closed: the round is over (token expiry passed, or the session was closed as missed);
 * - open: answerable.
 */
export type ResolvedLink =
  | { kind: 'invalid' }
  | { kind: 'done' | 'closed' | 'open'; session: LinkedSession; expired: boolean };

/** Verify a token and load its session, person language and health centre. */
export async function resolveLink(db: DbOrTx, signer: WebLinkSigner, token: string, now: Date): Promise<ResolvedLink> {
  const verified = await signer.verify(token);
  if (!verified.ok) return { kind: 'invalid' };
  const [row] = await db
    .select({
      id: checkSessions.id,
      personId: checkSessions.personId,
      flowVersionId: checkSessions.flowVersionId,
      localDate: checkSessions.localDate,
      status: checkSessions.status,
      state: checkSessions.state,
      expiresAt: checkSessions.expiresAt,
      preferredLanguage: persons.preferredLanguage,
      // A member of a household whose reporter is a contact: her page speaks her language.
      contactLanguage: contactLanguageSql(persons.id),
      nameJa: jurisdictions.nameJa,
      nameEn: jurisdictions.nameEn,
      phone: jurisdictions.phone,
    })
    .from(checkSessions)
    .innerJoin(persons, eq(persons.id, checkSessions.personId))
    .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
    .where(eq(checkSessions.id, verified.sessionId));
  // A valid MAC for a session that no longer exists (person deleted): treat like a bad link.
  if (!row) return { kind: 'invalid' };
  if (await isErased(db, row.personId)) return { kind: 'invalid' }; // retention over: the link leads nowhere
  const session: LinkedSession = {
    id: row.id,
    personId: row.personId,
    flowVersionId: row.flowVersionId,
    localDate: row.localDate,
    status: row.status,
    state: row.state,
    preferredLanguage: (row.contactLanguage ?? row.preferredLanguage) as Lang,
    centre: { nameJa: row.nameJa, nameEn: row.nameEn, phone: row.phone },
  };
  const expired = verified.expiresAt <= now || row.expiresAt <= now;
  if (row.status === 'completed') return { kind: 'done', session, expired };
  const open = isSessionOpen(row, now);
  return { kind: open && !expired ? 'open' : 'closed', session, expired };
}
