import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, checkSessions } from '../../../db/schema';
import { createApp } from '../../../src/app';
import { personWebLink } from '../../../src/domain/web/person-web-link';
import { createTryAsPatientLink } from '../../../src/domain/web/try-as-patient';
import { decodeWebLinkPayload } from '../../../src/domain/web/link-token';
import { ForbiddenError } from '../../../src/domain/errors';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createPerson, staffActor } from '../../support/fixtures';
import { Client, ensureCentre, makeStaff } from '../../admin/support';
import { webLinkKeys } from '../../../src/domain/web/issue-web-link';
import { parseForm } from './helpers';
import { modulesOfDataUrl, modulesOfText } from './qr-modules';

describe('try as the patient (console → web check)', () => {
  let deps: TestDeps;
  let app: ReturnType<typeof createApp>;
  let personId: string;
  let otherPersonId: string;
  let centreId: string;

  beforeAll(async () => {
    deps = await createTestDeps();
    app = createApp(deps);
    centreId = await ensureCentre(deps, 'tp-centre');
    await ensureCentre(deps, 'tp-other');
    await makeStaff(deps, { email: 'nurse@tp.example', role: 'nurse', jurisdictionCode: 'tp-centre' });
    ({ id: personId } = await createPerson(deps.db, 'tp-centre', { hasOximeter: true }));
    ({ id: otherPersonId } = await createPerson(deps.db, 'tp-other'));
  });
  afterAll(async () => deps?.close());

  it('starts a web check for the person and redirects to its personal link', async () => {
    const client = new Client(app);
    await client.signIn('nurse@tp.example');
    const res = await client.form(`/admin/try-as-patient/${personId}`, {});
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/c\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const page = await app.request(location);
    expect(page.status).toBe(200);
    expect(parseForm(await page.text())).toMatchObject({ q: 'temperature', n: '0' });
    const sessions = await deps.db.select().from(checkSessions).where(eq(checkSessions.personId, personId));
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ channel: 'web', source: 'manual' });
    const audits = await deps.db.select({ action: auditLog.action }).from(auditLog).where(and(eq(auditLog.personId, personId), eq(auditLog.actorKind, 'staff')));
    expect(audits.map((a) => a.action).sort()).toEqual(['issue_web_link', 'send_check']);
  });

  it('needs the console session and its CSRF token, and the person in the nurse’s scope', async () => {
    expect((await app.request(`/admin/try-as-patient/${personId}`, { method: 'POST' })).headers.get('location')).toMatch(/^\/admin\/login/);
    const client = new Client(app);
    await client.signIn('nurse@tp.example');
    expect((await client.form(`/admin/try-as-patient/${personId}`, {}, { csrf: false })).status).toBe(403);
    expect((await client.form(`/admin/try-as-patient/${otherPersonId}`, {})).status).toBe(404);
    expect((await client.form('/admin/try-as-patient/not-a-uuid', {})).status).toBe(404);
    expect(await deps.db.select().from(checkSessions).where(eq(checkSessions.personId, otherPersonId))).toHaveLength(0);
  });

  it('is refused in production, where staff must never answer in a patient’s place', async () => {
    const nurse = staffActor('nurse', { jurisdictionId: centreId, jurisdictionPath: '/JP/13/tp-centre/' });
    const production = { ...deps, env: { ...deps.env, NODE_ENV: 'production' as const } };
    await expect(createTryAsPatientLink(production, nurse, personId)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('shows the link of the open check as a QR code (also in production), or starts a web check when none is open', async () => {
    const nurse = staffActor('nurse', { jurisdictionId: centreId, jurisdictionPath: '/JP/13/tp-centre/' });
    const production = { ...deps, env: { ...deps.env, NODE_ENV: 'production' as const } };
    const before = await deps.db.select().from(checkSessions).where(eq(checkSessions.personId, personId));
    const link = await personWebLink(production, nurse, personId);
    expect(link.started).toBe(false); // the check started by the first test is still open
    expect(decodeWebLinkPayload(link.token).sessionId).toBe(before[0]!.id);
    // The QR code is the link of that open check, module for module (and not of another link).
    expect(link.url).toBe(`${deps.env.PUBLIC_BASE_URL.replace(/\/+$/, '')}/c/${link.token}`);
    expect(modulesOfDataUrl(link.qrDataUrl)).toEqual(modulesOfText(link.url));
    expect(modulesOfDataUrl(link.qrDataUrl)).not.toEqual(modulesOfText(`${link.url.slice(0, -1)}x`));
    const { id: fresh } = await createPerson(deps.db, 'tp-centre');
    const started = await personWebLink(deps, nurse, fresh);
    expect(started.started).toBe(true);
    const [s] = await deps.db.select().from(checkSessions).where(eq(checkSessions.personId, fresh));
    expect(s).toMatchObject({ id: decodeWebLinkPayload(started.token).sessionId, channel: 'web' });

    const client = new Client(app);
    await client.signIn('nurse@tp.example');
    const res = await client.form(`/admin/persons/${personId}/web-link`, {});
    expect(res.status).toBe(200);
    const html = await res.text();
    const shown = /<img src="(data:image\/svg\+xml;base64,[^"]+)"[^>]*id="web-link-qr"/.exec(html)?.[1];
    // What the nurse shows the person decodes to the link of his open check.
    const [open] = await deps.db.select().from(checkSessions).where(eq(checkSessions.personId, personId));
    const expected = `${deps.env.PUBLIC_BASE_URL.replace(/\/+$/, '')}/c/${await webLinkKeys(deps.env).signer.sign(open!.id, open!.expiresAt)}`;
    expect(modulesOfDataUrl(shown!)).toEqual(modulesOfText(expected));
    expect(html).not.toContain('/c/'); // the link itself is only in the QR code
    expect((await client.form(`/admin/persons/${otherPersonId}/web-link`, {})).status).toBe(404);
    const page = await client.get(`/admin/persons/${personId}`);
    const personHtml = await page.text();
    expect(personHtml).toContain('id="web-link-qr-button"');
    expect(personHtml).toContain('id="try-as-patient"');
  });
});
