import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { createLocalJWKSet } from 'jose';
import { fhirClients, jurisdictions, staffUsers, type StaffRole } from '../../../db/schema';
import { hashPassword } from '../../platform/security/passwords';
import { jurisdictionScopePrefix, requireRoleAtLeast } from '../access';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ForbiddenError, ValidationError, type FieldError } from '../errors';
import { parseScopes } from './scopes';
import { requirePermission } from '../permissions';

export interface CreateFhirClientInput {
  name: string;
  jurisdictionCode: string; // "JP", a prefecture ("13") or a health centre ("13-101")
  scope: string; // space-separated SMART v2 system scopes
  jwks: unknown; // { keys: [public JWK, …] }
}

/** The service account's role follows the jurisdiction, so personScope reads it like a console user's. */
const ROLE_OF: Record<string, StaffRole> = { nation: 'national_officer', prefecture: 'prefecture_officer', health_centre: 'centre_admin' };

function jwksProblem(jwks: unknown): string | null {
  const keys = (jwks as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0) return 'must be a JWK Set with at least one key';
  for (const k of keys as Record<string, unknown>[]) {
    if (typeof k !== 'object' || k === null) return 'every key must be a JWK';
    if ('d' in k || 'p' in k || 'k' in k) return 'must hold public keys only';
    if (k.kty !== 'RSA' && k.kty !== 'EC') return 'keys must be RSA (RS384) or EC P-384 (ES384)';
    if (k.kty === 'EC' && k.crv !== 'P-384') return 'EC keys must be on P-384 (ES384)';
  }
  try {
    createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
  } catch {
    return 'is not a valid JWK Set';
  }
  return null;
}

/**
 * Register a SMART Backend Services client: national and prefecture officers (and the CLI),
 * within their own jurisdiction. Creates the client's service account and returns the
 * client id. Audited.
 */
export async function createFhirClient({ ctx, input }: VerbArgs<CreateFhirClientInput>): Promise<{ clientId: string }> {
  requirePermission(ctx.actor, 'createFhirClient');
  requireRoleAtLeast(ctx.actor, 'prefecture_officer');
  const errors: FieldError[] = [];
  const name = (input.name ?? '').trim();
  if (!name || name.length > 100) errors.push({ field: 'name', message: 'is required (at most 100 characters)', messageJa: '名前を100文字以内で入力してください' });
  const { scopes, unknown } = parseScopes(input.scope ?? '');
  if (unknown.length || scopes.length === 0) errors.push({ field: 'scope', message: `must be SMART system scopes such as system/Patient.rs${unknown.length ? ` (not: ${unknown.join(' ')})` : ''}`, messageJa: 'スコープは system/Patient.rs のような SMART のシステムスコープで指定してください' });
  const jp = jwksProblem(input.jwks);
  if (jp) errors.push({ field: 'jwks', message: jp, messageJa: '公開鍵（JWKS）が正しくありません（RS384 の RSA 鍵または ES384 の P-384 鍵の公開鍵のみ）' });
  const [j] = await ctx.tx.select().from(jurisdictions).where(eq(jurisdictions.code, (input.jurisdictionCode ?? '').trim()));
  if (!j) errors.push({ field: 'jurisdictionCode', message: 'unknown jurisdiction', messageJa: '管轄が見つかりません' });
  if (errors.length) throw new ValidationError(errors);
  const prefix = jurisdictionScopePrefix(ctx.actor);
  if (!prefix || !j!.path.startsWith(prefix)) throw new ForbiddenError('that jurisdiction is outside your scope', 'この管轄はあなたの担当範囲外です');

  const clientId = randomUUID();
  // The service account can never sign in: disabled, and its password is never known.
  const [account] = await ctx.tx
    .insert(staffUsers)
    .values({
      email: `fhir-client-${clientId}@fhir-clients.invalid`,
      displayName: `FHIRクライアント: ${name}`,
      passwordHash: await hashPassword(randomBytes(32).toString('base64url')),
      role: ROLE_OF[j!.kind]!,
      jurisdictionId: j!.id,
      disabled: true,
    })
    .returning({ id: staffUsers.id });
  const keys = (input.jwks as { keys: Record<string, unknown>[] }).keys;
  await ctx.tx.insert(fhirClients).values({
    id: clientId,
    name,
    jurisdictionId: j!.id,
    scopes,
    jwks: { keys },
    staffUserId: account!.id,
    createdBy: ctx.actor.kind === 'staff' ? ctx.actor.staffId : null,
    createdAt: ctx.now,
  });
  await writeAudit(ctx, { action: 'create', entity: 'fhir_client', entityId: clientId, details: { scopes, jurisdiction: j!.code } });
  return { clientId };
}
