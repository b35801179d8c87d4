import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { THROTTLE_MAX_FAILURES } from '../../src/admin/auth/login-throttle';
import { createTestDeps, type TestDeps } from '../support/deps';
import { Client, ensureCentre, makeStaff, PASSWORD } from './support';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  await ensureCentre(deps, '13-111');
  await makeStaff(deps, { email: 'real@t.jp', role: 'nurse', jurisdictionCode: '13-111' });
});
afterAll(async () => {
  await deps?.close();
});

/** Sign in through the form from one client address. */
async function attempt(ip: string, email: string, password: string): Promise<number> {
  const client = new Client(app);
  const form = await client.request('/admin/login', { headers: { 'x-forwarded-for': ip } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await client.request('/admin/login', {
    method: 'POST',
    body: new URLSearchParams({ _csrf: csrf, email, password }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
  });
  return res.status;
}

describe('per-address throttle', () => {
  it('after many failures from one address, that address waits; other addresses do not', async () => {
    for (let i = 0; i < THROTTLE_MAX_FAILURES; i++) expect(await attempt('203.0.113.9', `guess${i}@t.jp`, 'wrong password')).toBe(401);
    expect(await attempt('203.0.113.9', 'real@t.jp', PASSWORD)).toBe(429);
    expect(await attempt('198.51.100.7', 'real@t.jp', PASSWORD)).toBe(303);
  });
});
