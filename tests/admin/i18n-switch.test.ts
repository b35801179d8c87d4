import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { t } from '../../src/admin/ui/i18n';
import { createTestDeps, type TestDeps } from '../support/deps';
import { Client, ensureCentre, makeStaff } from './support';

let deps: TestDeps;
let client: Client;

beforeAll(async () => {
  deps = await createTestDeps();
  await ensureCentre(deps, '13-201');
  await makeStaff(deps, { email: 'l@l.jp', role: 'nurse', jurisdictionCode: '13-201' });
  client = new Client(createApp(deps));
  await client.signIn('l@l.jp');
});
afterAll(async () => {
  await deps?.close();
});

describe('Japanese first, English on request', () => {
  it('shows Japanese by default and English after the switch, back on the same page', async () => {
    const ja = await (await client.get('/admin/persons')).text();
    expect(ja).toContain('<html lang="ja">');
    expect(ja).toContain('トリアージ');
    const sw = await client.request('/admin/lang/en', { headers: { referer: 'http://localhost/admin/persons?list=all' } });
    expect(sw.status).toBe(303);
    expect(sw.headers.get('location')).toBe('/admin/persons?list=all');
    const en = await (await client.get('/admin/persons')).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('>Triage<');
    expect(en).toContain('>日本語<');
    // A referer from elsewhere never becomes the redirect target.
    const evil = await client.request('/admin/lang/ja', { headers: { referer: 'https://evil.example/admin' } });
    expect(evil.headers.get('location')).toBe('/admin');
  });

  it('every key of the core dictionaries has both languages, and a missing key shows itself', () => {
    expect(t('ja', 'nav.audit')).toBe('監査ログ');
    expect(t('en', 'nav.audit')).toBe('Audit log');
    expect(t('en', 'no.such.key')).toBe('no.such.key');
    expect(t('ja', 'login.locked', { minutes: 15 })).toContain('15分後');
  });

  it('follows only console paths after sign-in (no open redirect)', async () => {
    const fresh = new Client(client.app);
    const form = await (await fresh.get('/admin/login?next=https://evil.example/')).text();
    expect(form).toContain('name="next" value="/admin"');
    const ok = await (await fresh.get('/admin/login?next=/admin/persons')).text();
    expect(ok).toContain('name="next" value="/admin/persons"');
  });
});
