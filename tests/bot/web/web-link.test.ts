import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, persons } from '../../../db/schema';
import { withTransaction } from '../../../src/domain/context';
import { ConflictError, NotFoundError } from '../../../src/domain/errors';
import { issueWebLink, webLinkKeys } from '../../../src/domain/web/issue-web-link';
import { createWebLinkSigner, decodeWebLinkPayload } from '../../../src/domain/web/link-token';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson, staffActor } from '../../support/fixtures';
import { answerAll, openWebCheck, webApp } from './helpers';

const SESSION = '0b6f6a53-9c1e-4f7a-8d3b-2a1c4e5f6a7b';
const EXPIRES = new Date('2026-11-24T15:00:00Z');

describe('link token (pure)', () => {
  const signer = createWebLinkSigner('a-test-secret-that-is-long-enough-0001');

  it('round-trips the session id and the expiry, to the second', async () => {
    const token = await signer.sign(SESSION, new Date(EXPIRES.getTime() + 999));
    expect(await signer.verify(token)).toEqual({ ok: true, sessionId: SESSION, expiresAt: EXPIRES });
    expect(token.length).toBeLessThanOrEqual(51);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('refuses every single-character change of the payload or the MAC', async () => {
    const token = await signer.sign(SESSION, EXPIRES);
    let refused = 0;
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      const swapped = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
      const r = await signer.verify(swapped);
      if (!r.ok) refused++;
      else expect(r.sessionId === SESSION && r.expiresAt.getTime() === EXPIRES.getTime()).toBe(true); // only base64 padding bits may change
    }
    expect(refused).toBeGreaterThanOrEqual(token.length - 3);
  });

  it('cannot be re-targeted: a MAC does not fit another session or a later expiry', async () => {
    const a = await signer.sign(SESSION, EXPIRES);
    const other = await signer.sign('11111111-2222-4333-8444-555555555555', new Date(EXPIRES.getTime() + 86_400_000));
    const spliced = `${other.split('.')[0]}.${a.split('.')[1]}`;
    expect(await signer.verify(spliced)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a link signed with another key, and malformed strings', async () => {
    const foreign = await createWebLinkSigner('another-secret-that-is-long-enough-02').sign(SESSION, EXPIRES);
    expect(await signer.verify(foreign)).toEqual({ ok: false, reason: 'bad_signature' });
    for (const bad of ['', '.', 'abc', 'abc.def', `${foreign}.x`, 'a b.c', '%00.%00', `${foreign.split('.')[0]}.`]) {
      expect((await signer.verify(bad)).ok).toBe(false);
    }
  });
});

describe('issueWebLink', () => {
  let deps: TestDeps;
  let now = new Date('2026-11-24T01:00:00Z');
  let centre: Awaited<ReturnType<typeof createCentre>>;
  let personId: string;

  beforeAll(async () => {
    deps = await createTestDeps({ PUBLIC_BASE_URL: 'https://mimamori.example.jp' }, { now: () => now });
    centre = await createCentre(deps.db, { code: 'wl-centre', phone: '03-1111-2222' });
    ({ id: personId } = await createPerson(deps.db, 'wl-centre', { name: '秘密 花子', phone: '090-1234-5678', caseNumber: 'CASE-SECRET-77', hasOximeter: true }, now));
  });
  afterAll(async () => deps?.close());

  it('carries only the session id and the expiry of the round: no personal data', async () => {
    const link = await openWebCheck(deps, personId);
    const decoded = decodeWebLinkPayload(link.token);
    expect(decoded).toEqual({ sessionId: link.sessionId, expiresAtSeconds: Math.floor(link.expiresAt.getTime() / 1000), payloadBytes: 21, macBytes: 16 });
    expect(link.url).toBe(`https://mimamori.example.jp/c/${link.token}`);
    const [p] = await deps.db.select().from(persons).where(eq(persons.id, personId));
    for (const secret of [p!.name, p!.phone!, p!.caseNumber, personId, personId.replace(/-/g, ''), '09012345678']) expect(link.url).not.toContain(secret);
  });

  it('expires when the session does (the end of the round)', async () => {
    const link = await openWebCheck(deps, personId);
    const session = await deps.db.query.checkSessions.findFirst({ where: (s, { eq: e }) => e(s.id, link.sessionId) });
    expect(link.expiresAt.getTime()).toBe(Math.floor(session!.expiresAt.getTime() / 1000) * 1000);
  });

  it('is refused to staff outside the person’s scope, and audited for staff in scope', async () => {
    const link = await openWebCheck(deps, personId);
    const keys = webLinkKeys(deps.env);
    const outsider = staffActor('nurse', { jurisdictionId: '00000000-0000-4000-8000-00000000abcd', jurisdictionPath: '/JP/27/x/' });
    await expect(withTransaction(deps.db, { actor: outsider, now }, (ctx) => issueWebLink({ ctx, input: { sessionId: link.sessionId }, keys }))).rejects.toBeInstanceOf(NotFoundError);
    const nurse = staffActor('nurse', { jurisdictionId: centre.id, jurisdictionPath: centre.path });
    await withTransaction(deps.db, { actor: nurse, now }, (ctx) => issueWebLink({ ctx, input: { sessionId: link.sessionId }, keys }));
    const rows = await deps.db.select().from(auditLog).where(and(eq(auditLog.action, 'issue_web_link'), eq(auditLog.entityId, link.sessionId)));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.personId).toBe(personId);
  });

  it('is single use per session: once the check is answered no new link is issued and the old one is dead', async () => {
    const link = await openWebCheck(deps, personId);
    const app = webApp(deps);
    await answerAll(app, link.path);
    const keys = webLinkKeys(deps.env);
    await expect(withTransaction(deps.db, { actor: { kind: 'system', name: 't' }, now }, (ctx) => issueWebLink({ ctx, input: { sessionId: link.sessionId }, keys }))).rejects.toBeInstanceOf(ConflictError);
    const res = await app.request(link.path);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('このリンクはもう使えません');
  });

  it('is refused after the round is over', async () => {
    const link = await openWebCheck(deps, personId);
    const saved = now;
    now = new Date(link.expiresAt.getTime() + 1000);
    try {
      await expect(withTransaction(deps.db, { actor: { kind: 'system', name: 't' }, now }, (ctx) => issueWebLink({ ctx, input: { sessionId: link.sessionId }, keys: webLinkKeys(deps.env) }))).rejects.toBeInstanceOf(ConflictError);
    } finally {
      now = saved;
    }
  });
});
