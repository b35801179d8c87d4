import { and, eq, gt, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { fhirAccessTokens, fhirClients, jurisdictions, staffUsers } from '../../../db/schema';
import { sha256 } from '../../platform/security/tokens';
import type { StaffActor } from '../staff/sessions';

export interface FhirClientAuth {
  actor: StaffActor;
  clientId: string;
  scopes: string[];
  /** The client's jurisdiction code ("13"): Group exports are limited to centres below it. */
  jurisdictionPath: string;
}

/**
 * Who a FHIR access token acts as: the client's service account (role and jurisdiction of
 * the client), so every verb applies the console's scope rule; null if the token is
 * unknown, expired or its client revoked.
 */
export async function fhirClientForToken(db: DbOrTx, token: string, now: Date): Promise<(FhirClientAuth & { expiresAt: Date }) | null> {
  const [row] = await db
    .select({ scopes: fhirAccessTokens.scopes, expiresAt: fhirAccessTokens.expiresAt, clientId: fhirClients.id, u: staffUsers, path: jurisdictions.path })
    .from(fhirAccessTokens)
    .innerJoin(fhirClients, eq(fhirClients.id, fhirAccessTokens.clientId))
    .innerJoin(staffUsers, eq(staffUsers.id, fhirClients.staffUserId))
    .innerJoin(jurisdictions, eq(jurisdictions.id, fhirClients.jurisdictionId))
    .where(and(eq(fhirAccessTokens.tokenHash, sha256(token)), gt(fhirAccessTokens.expiresAt, now), isNull(fhirClients.revokedAt)));
  if (!row) return null;
  return {
    actor: { kind: 'staff', staffId: row.u.id, role: row.u.role, jurisdictionId: row.u.jurisdictionId, jurisdictionPath: row.path, institutionId: null, via: 'token' },
    clientId: row.clientId,
    scopes: row.scopes,
    jurisdictionPath: row.path,
    expiresAt: row.expiresAt,
  };
}

/** The same actor for a client by id (the export worker acts for the client that asked); null if revoked. */
export async function fhirClientById(db: DbOrTx, clientId: string): Promise<Omit<FhirClientAuth, 'clientId'> | null> {
  const [row] = await db
    .select({ scopes: fhirClients.scopes, u: staffUsers, path: jurisdictions.path })
    .from(fhirClients)
    .innerJoin(staffUsers, eq(staffUsers.id, fhirClients.staffUserId))
    .innerJoin(jurisdictions, eq(jurisdictions.id, fhirClients.jurisdictionId))
    .where(and(eq(fhirClients.id, clientId), isNull(fhirClients.revokedAt)));
  if (!row) return null;
  return {
    actor: { kind: 'staff', staffId: row.u.id, role: row.u.role, jurisdictionId: row.u.jurisdictionId, jurisdictionPath: row.path, institutionId: null, via: 'token' },
    scopes: row.scopes,
    jurisdictionPath: row.path,
  };
}
