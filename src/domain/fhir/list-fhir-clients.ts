import { and, desc, eq, sql } from 'drizzle-orm';
import { fhirClients, jurisdictions } from '../../../db/schema';
import { jurisdictionScopePrefix, requireRoleAtLeast } from '../access';
import { writeAudit } from '../audit';
import { announceFhirClientRevoked } from './client-revocations';
import type { VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { requirePermission } from '../permissions';

/** The FHIR clients registered within the officer's jurisdiction (console page /admin/fhir-clients). */
export async function listFhirClients({ ctx }: VerbArgs<Record<string, never>>) {
  requirePermission(ctx.actor, 'listFhirClients');
  requireRoleAtLeast(ctx.actor, 'prefecture_officer');
  const prefix = jurisdictionScopePrefix(ctx.actor) ?? '\u0001';
  return ctx.tx
    .select({ id: fhirClients.id, name: fhirClients.name, scopes: fhirClients.scopes, jurisdictionCode: jurisdictions.code, jurisdictionNameJa: jurisdictions.nameJa, createdAt: fhirClients.createdAt, revokedAt: fhirClients.revokedAt })
    .from(fhirClients)
    .innerJoin(jurisdictions, eq(jurisdictions.id, fhirClients.jurisdictionId))
    .where(sql`starts_with(${jurisdictions.path}, ${prefix})`)
    .orderBy(desc(fhirClients.createdAt))
    .limit(500);
}

/** Revoke a client: its tokens stop working at once and no new one is issued. Audited. */
export async function revokeFhirClient({ ctx, input }: VerbArgs<{ clientId: string }>): Promise<void> {
  requirePermission(ctx.actor, 'revokeFhirClient');
  requireRoleAtLeast(ctx.actor, 'prefecture_officer');
  const prefix = jurisdictionScopePrefix(ctx.actor) ?? '\u0001';
  const [row] = await ctx.tx
    .select({ id: fhirClients.id, revokedAt: fhirClients.revokedAt })
    .from(fhirClients)
    .innerJoin(jurisdictions, eq(jurisdictions.id, fhirClients.jurisdictionId))
    .where(and(eq(fhirClients.id, input.clientId), sql`starts_with(${jurisdictions.path}, ${prefix})`));
  if (!row) throw new NotFoundError('fhir_client', input.clientId);
  if (row.revokedAt) return;
  await ctx.tx.update(fhirClients).set({ revokedAt: ctx.now }).where(eq(fhirClients.id, row.id));
  await writeAudit(ctx, { action: 'revoke', entity: 'fhir_client', entityId: row.id });
  // Tokens verified and kept by any process (src/fhir/token-cache.ts) are looked up again.
  await announceFhirClientRevoked(ctx.tx, row.id);
}
