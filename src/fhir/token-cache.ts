import type { FhirClientAuth } from '../domain/fhir/fhir-client-actor';
import { revocationGeneration } from '../domain/fhir/client-revocations';
import { sha256 } from '../platform/security/tokens';

/** How long a verified access token is trusted without asking the database again. */
export const TOKEN_CACHE_MS = 30_000;
const MAX_ENTRIES = 10_000;

/**
 * Verified access tokens of this process, by hash (never the token itself), each kept for
 * TOKEN_CACHE_MS and never past the token's own expiry — so a search does not look its
 * token up again on every request. The price: a client revoked in the console (or its
 * service account changed) keeps working for at most TOKEN_CACHE_MS with a token it already
 * holds; a new token is refused at once. Full (MAX_ENTRIES), it drops what has expired, then
 * everything (the next request of each client looks its token up again).
 *
 * @example const auth = await cache.get(token, now, () => fhirClientForToken(db, token, now));
 */
export function createTokenCache(ttlMs = TOKEN_CACHE_MS) {
  const entries = new Map<string, { auth: FhirClientAuth; until: number; generation: number }>();
  return {
    async get(token: string, now: Date, verify: () => Promise<(FhirClientAuth & { expiresAt: Date }) | null>): Promise<FhirClientAuth | null> {
      const key = sha256(token);
      const hit = entries.get(key);
      if (hit && hit.until > now.getTime() && hit.generation === revocationGeneration()) return hit.auth;
      entries.delete(key);
      const generation = revocationGeneration();
      const found = await verify();
      if (!found) return null;
      const { expiresAt, ...auth } = found;
      if (entries.size >= MAX_ENTRIES) {
        for (const [k, e] of entries) if (e.until <= now.getTime()) entries.delete(k);
        if (entries.size >= MAX_ENTRIES) entries.clear();
      }
      entries.set(key, { auth, until: Math.min(expiresAt.getTime(), now.getTime() + ttlMs), generation });
      return auth;
    },
  };
}
