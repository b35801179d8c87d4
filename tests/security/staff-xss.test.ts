import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { noteAlert } from '../../src/domain/alerts/note-alert';
import { systemActor, withTransaction } from '../../src/domain/context';
import { createTestDeps, type TestDeps } from '../support/deps';
import { HOSTILE, makeAlert, makePerson } from '../admin/fixtures';
import { Client, ensureCentre, makeStaff } from '../admin/support';

/**
 * What staff type (their display name, a note) is as hostile as what patients type: a
 * shared console shows it to every colleague. tests/admin/escaping.test.ts covers the
 * person's fields and the patient's comment; this covers the staff side and the CSP.
 */
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let personId: string;
let alertId: string;

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  await ensureCentre(deps, '13-997');
  await makeStaff(deps, { email: 'xss-admin@a.jp', role: 'centre_admin', jurisdictionCode: '13-997', displayName: `${HOSTILE[0]}${HOSTILE[1]}` });
  personId = await makePerson(deps, '13-997');
  alertId = await makeAlert(deps, personId);
  await withTransaction(deps.db, { actor: systemActor('test'), now: deps.now() }, (ctx) => noteAlert({ ctx, input: { alertId, note: HOSTILE.join(' ') } }));
});
afterAll(async () => {
  await deps?.close();
});

describe("staff-typed text on every console page", () => {
  it('a hostile display name and note show as text, never as markup, and no page allows inline script', async () => {
    const c = new Client(app);
    expect((await c.signIn('xss-admin@a.jp')).status).toBe(303);
    const pages = ['/admin/account', `/admin/persons/${personId}`, `/admin/alerts/${alertId}`, '/admin/audit', '/admin', '/admin/flows', '/admin/reports', '/admin/staff'];
    for (const path of pages) {
      const res = await c.get(path);
      expect([path, res.status]).toEqual([path, 200]);
      const html = await res.text();
      expect(html).not.toContain('<script>alert(1)</script>');
      expect(html).not.toContain('<img src=x onerror');
      expect(html).not.toMatch(/href="javascript:/i);
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
      expect(res.headers.get('content-security-policy')).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      // Every <script> the page has is a file from /admin/assets, none inline.
      for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
        expect(m[1]).toMatch(/src="\/admin\/assets\//);
        expect(m[2]!.trim()).toBe('');
      }
    }
    // The display name is on every page (the header); the note on the alert page.
    for (const path of pages) expect(await (await c.get(path)).text(), path).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(await (await c.get(`/admin/alerts/${alertId}`)).text()).toContain('javascript:alert(1)');
  });
});
