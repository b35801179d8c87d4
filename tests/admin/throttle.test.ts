import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { THROTTLE_MAX_FAILURES } from '../../src/admin/auth/login-throttle';
import { createTestDeps, type TestDeps } from '../support/deps';
import { Client, ensureCentre, fromSocket, makeStaff, PASSWORD } from './support';

let direct: TestDeps; // no TRUSTED_PROXIES (the default)
let proxied: TestDeps; // behind a load balancer at 10.0.0.0/24
let directApp: ReturnType<typeof createApp>;
let proxiedApp: ReturnType<typeof createApp>;

beforeAll(async () => {
  direct = await createTestDeps();
  proxied = await createTestDeps({ TRUSTED_PROXIES: '10.0.0.0/24' });
  directApp = createApp(direct);
  proxiedApp = createApp(proxied);
  for (const deps of [direct, proxied]) {
    await ensureCentre(deps, '13-111');
    await makeStaff(deps, { email: 'real@t.jp', role: 'nurse', jurisdictionCode: '13-111' });
  }
});
afterAll(async () => {
  await direct?.close();
  await proxied?.close();
});

/** Sign in through the form from a socket address, with an optional X-Forwarded-For. */
async function attempt(app: ReturnType<typeof createApp>, socket: string, forwardedFor: string | null, email: string, password: string): Promise<number> {
  const client = new Client(app, fromSocket(socket));
  const xff: Record<string, string> = forwardedFor ? { 'x-forwarded-for': forwardedFor } : {};
  const form = await client.request('/admin/login', { headers: xff });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await client.request('/admin/login', {
    method: 'POST',
    body: new URLSearchParams({ _csrf: csrf, email, password }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...xff },
  });
  return res.status;
}

describe('per-address throttle', () => {
  it('after many failures from one address, that address waits; other addresses do not', async () => {
    for (let i = 0; i < THROTTLE_MAX_FAILURES; i++) expect(await attempt(directApp, '203.0.113.9', null, `guess${i}@t.jp`, 'wrong password')).toBe(401);
    expect(await attempt(directApp, '203.0.113.9', null, 'real@t.jp', PASSWORD)).toBe(429);
    expect(await attempt(directApp, '198.51.100.7', null, 'real@t.jp', PASSWORD)).toBe(303);
  });

  it('ignores X-Forwarded-For by default: a throttled client cannot escape by inventing a new address', async () => {
    // 203.0.113.9 is throttled by the test above; a fresh header per try must not help.
    expect(await attempt(directApp, '203.0.113.9', '198.51.100.200', 'real@t.jp', PASSWORD)).toBe(429);
    expect(await attempt(directApp, '203.0.113.9', '198.51.100.201, 10.0.0.1', 'real@t.jp', PASSWORD)).toBe(429);
  });

  it('behind a trusted proxy, counts the address the proxy saw; a client-written hop on the left changes nothing', async () => {
    for (let i = 0; i < THROTTLE_MAX_FAILURES; i++) {
      // Each try invents another left-most hop; the proxy appends the real client 192.0.2.50.
      expect(await attempt(proxiedApp, '10.0.0.2', `198.51.100.${i}, 192.0.2.50`, `guess${i}@t.jp`, 'wrong password')).toBe(401);
    }
    expect(await attempt(proxiedApp, '10.0.0.3', '192.0.2.50', 'real@t.jp', PASSWORD)).toBe(429);
    // Another client behind the same proxy is not affected.
    expect(await attempt(proxiedApp, '10.0.0.2', '192.0.2.51', 'real@t.jp', PASSWORD)).toBe(303);
    // From an address that is not a trusted proxy the header is ignored: that socket is the client,
    // even when it names the throttled address.
    expect(await attempt(proxiedApp, '198.51.100.99', '192.0.2.50', 'real@t.jp', PASSWORD)).toBe(303);
  });
});
