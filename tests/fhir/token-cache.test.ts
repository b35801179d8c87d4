import { describe, expect, it } from 'vitest';
import type { FhirClientAuth } from '../../src/domain/fhir/fhir-client-actor';
import { forgetVerifiedTokens } from '../../src/domain/fhir/client-revocations';
import { createTokenCache } from '../../src/fhir/token-cache';

const auth = { clientId: 'c1', scopes: ['system/Observation.rs'], jurisdictionPath: '/JP/13/' } as unknown as FhirClientAuth;
const at = (s: number) => new Date(Date.UTC(2026, 4, 1, 9, 0, s));

describe('the verified-token cache', () => {
  it('asks the database once per token within 30 s, again after, and never trusts a token past its expiry', async () => {
    const cache = createTokenCache(30_000);
    let asked = 0;
    const verify = (expiresAt: Date) => async () => (asked++, { ...auth, expiresAt });
    expect(await cache.get('t1', at(0), verify(at(50)))).toEqual(auth);
    expect(await cache.get('t1', at(29), verify(at(50)))).toEqual(auth);
    expect(asked).toBe(1);
    await cache.get('t1', at(30), verify(at(50)));
    expect(asked).toBe(2);
    // cached until 50 s (its expiry), not 60 s: at 50 s the database is asked, and refuses it
    expect(await cache.get('t1', at(49), async () => null)).toEqual(auth);
    expect(await cache.get('t1', at(50), async () => null)).toBeNull();
    expect(await cache.get('t1', at(51), verify(at(100)))).toEqual(auth);
  });

  it('keeps tokens apart and never caches a refusal', async () => {
    const cache = createTokenCache(30_000);
    let asked = 0;
    expect(await cache.get('bad', at(0), async () => (asked++, null))).toBeNull();
    expect(await cache.get('bad', at(1), async () => (asked++, null))).toBeNull();
    expect(asked).toBe(2);
    await cache.get('t1', at(0), async () => ({ ...auth, expiresAt: at(60) }));
    expect(await cache.get('t2', at(1), async () => null)).toBeNull();
  });

  it('looks every kept token up again after a revocation anywhere (a new generation)', async () => {
    const cache = createTokenCache(30_000);
    let asked = 0;
    const verify = async () => (asked++, { ...auth, expiresAt: at(60) });
    await cache.get('t1', at(0), verify);
    await cache.get('t1', at(1), verify);
    expect(asked).toBe(1);
    forgetVerifiedTokens();
    expect(await cache.get('t1', at(2), async () => (asked++, null))).toBeNull();
    expect(asked).toBe(2);
  });
});
