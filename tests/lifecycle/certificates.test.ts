import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client';
import { createApp } from '../../src/app';
import { appSecret } from '../../src/config/env';
import { certificateUrl } from '../../src/domain/certificates/certificate-link';
import { createWebLinkSigner } from '../../src/domain/web/link-token';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makePerson } from '../admin/fixtures';
import { bearer, Client, ensureCentre, makeStaff, makeToken } from '../admin/support';
import { pdfText } from './pdf-text';

// 療養証明書 / 就業制限通知: a PDF with Japanese text in an embedded font, a QR code to
// /verify/<id> that confirms issue and dates only; revoked or altered ones do not verify.
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let api: ReturnType<typeof bearer>;
let clock = new Date('2026-05-08T01:00:00Z');
let personId: string;
let certId: string;

beforeAll(async () => {
  deps = await createTestDeps({}, { now: () => clock });
  app = createApp(deps);
  await ensureCentre(deps, '13-601', '港区みなと保健所');
  await makeStaff(deps, { email: 'n@cert.jp', role: 'nurse', jurisdictionCode: '13-601' });
  api = bearer(app, await makeToken(deps, 'n@cert.jp'));
  personId = await makePerson(deps, '13-601', { name: '証明 花子' });
  await deps.db.execute(sql`update persons set monitoring_start = '2026-05-01', monitoring_planned_end = '2026-05-10', monitoring_end_set_by_staff = true where id = ${personId}`);
});
afterAll(async () => deps?.close());

const get = (path: string) => app.request(path);
const verifyPage = async (id: string) => {
  const res = await get(`/verify/${id}`);
  return { status: res.status, text: await res.text() };
};

describe('certificates', () => {
  it('is refused before monitoring ends', async () => {
    const res = await api('POST', `/api/v1/persons/${personId}/certificates`, { kind: 'recuperation' });
    expect(res.status).toBe(409);
    expect((await res.json()).messageJa).toBe('健康観察が終了してから発行できます');
  });

  it('renders a PDF whose extracted text is the Japanese certificate, with the QR address', async () => {
    clock = new Date('2026-05-10T15:30:00Z'); // 00:30 JST on the 11th: the planned end has passed
    expect((await api('POST', `/api/v1/persons/${personId}/end-monitoring`, {})).status).toBe(200);
    const res = await api('POST', `/api/v1/persons/${personId}/certificates`, { kind: 'recuperation' });
    expect(res.status).toBe(201);
    const issued = (await res.json()) as { id: string; issued: boolean; queued: boolean };
    expect(issued.issued).toBe(true);
    certId = issued.id;
    const again = (await (await api('POST', `/api/v1/persons/${personId}/certificates`, { kind: 'recuperation' })).json()) as { id: string; issued: boolean };
    expect(again).toMatchObject({ id: certId, issued: false }); // one valid certificate of a kind

    const pdf = await api('GET', `/api/v1/persons/${personId}/certificates/${certId}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    expect(bytes.length).toBeLessThan(60_000); // the font is subset, not the 5 MB file
    const text = await pdfText(bytes);
    expect(text).toContain('療養証明書');
    expect(text).toContain('証明 花子 様');
    expect(text).toContain('療養期間：2026年5月1日 から 2026年5月10日 まで');
    expect(text).toContain('発行日：2026年5月11日');
    expect(text).toContain('発行者：港区みなと保健所');
    expect(text).toContain(`http://localhost:3000/verify/${certId}`);
    const raw = Buffer.from(bytes).toString('latin1');
    expect(raw).toMatch(/\/FontFile2/); // the TrueType font is embedded
    const audit = await queryRows<{ action: string }>(deps.db, sql`select action from audit_log where entity = 'certificate' and entity_id = ${certId} order by id`);
    expect(audit.map((a) => a.action)).toEqual(['issue', 'print']);
  });

  it('the QR address confirms issue and dates, and nothing else', async () => {
    const v = await verifyPage(certId);
    expect(v.status).toBe(200);
    expect(v.text).toContain('この証明書は発行されています');
    expect(v.text).toContain('2026年5月1日 から 2026年5月10日 まで');
    expect(v.text).not.toContain('証明 花子');
    expect(v.text).not.toContain('港区みなと保健所');
    // The page, like its headers, is never indexed and never names itself as a Referer elsewhere.
    expect(v.text).toContain('<meta name="robots" content="noindex, nofollow"/>');
    expect(v.text).toContain('<meta name="referrer" content="no-referrer"/>');
    expect((await verifyPage('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await verifyPage('not-an-id')).status).toBe(404);
  });

  it('an altered certificate does not verify (and is not printed); restored, it does again', async () => {
    await deps.db.execute(sql`update certificates set period_end = '2026-05-31' where id = ${certId}`);
    const v = await verifyPage(certId);
    expect(v.status).toBe(404);
    expect(v.text).toContain('この証明書は確認できません');
    expect((await api('GET', `/api/v1/persons/${personId}/certificates/${certId}/pdf`)).status).toBe(404);
    // A forger who also recomputes the hash still lacks the signing key.
    const { contentHashOf } = await import('../../src/domain/certificates/certificate-content');
    const [row] = await queryRows<{ kind: 'recuperation'; holder_name: string; centre_name_ja: string; period_start: string; issued_on: string }>(deps.db, sql`select kind, holder_name, centre_name_ja, period_start::text, issued_on::text from certificates where id = ${certId}`);
    const forged = contentHashOf({ id: certId, kind: row!.kind, holderName: row!.holder_name, centreNameJa: row!.centre_name_ja, periodStart: row!.period_start, periodEnd: '2026-05-31', issuedOn: row!.issued_on });
    await deps.db.execute(sql`update certificates set content_hash = ${forged} where id = ${certId}`);
    expect((await verifyPage(certId)).status).toBe(404);
    const original = contentHashOf({ id: certId, kind: row!.kind, holderName: row!.holder_name, centreNameJa: row!.centre_name_ja, periodStart: row!.period_start, periodEnd: '2026-05-10', issuedOn: row!.issued_on });
    await deps.db.execute(sql`update certificates set period_end = '2026-05-10', content_hash = ${original} where id = ${certId}`);
    expect((await verifyPage(certId)).status).toBe(200);
  });

  it('the person downloads it from a certificate link (LINE / SMS) and from their web check link', async () => {
    const url = await certificateUrl(deps.env, certId, clock);
    const path = new URL(url).pathname;
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="certificate.pdf"');
    expect(await pdfText(new Uint8Array(await res.arrayBuffer()))).toContain('療養証明書');
    expect((await get(path.slice(0, -3) + 'AAA')).status).toBe(404); // a tampered token
    expect(url).not.toContain(personId);

    const [session] = await queryRows<{ id: string }>(deps.db, sql`insert into check_sessions (person_id, flow_version_id, local_date, round, channel, status, source, due_at, expires_at)
      select ${personId}, id, '2026-05-09', '09:00', 'web', 'completed', 'schedule', '2026-05-09T00:00:00Z', '2026-05-09T06:00:00Z' from flow_versions where status = 'published' limit 1 returning id`);
    const token = await createWebLinkSigner(appSecret(deps.env)).sign(session!.id, new Date('2026-05-09T06:00:00Z'));
    const page = await (await get(`/c/${token}`)).text();
    expect(page).toContain(`/c/${token}/certificate`);
    const fromCheck = await get(`/c/${token}/certificate`);
    expect(fromCheck.status).toBe(200);
    expect(await pdfText(new Uint8Array(await fromCheck.arrayBuffer()))).toContain('証明 花子 様');
  });

  it('a revoked certificate does not verify; revoke and issue are audited; staff see them on the person page', async () => {
    expect((await api('POST', `/api/v1/persons/${personId}/certificates/${certId}/revoke`, {})).status).toBe(422);
    expect((await api('POST', `/api/v1/persons/${personId}/certificates/${certId}/revoke`, { reason: '氏名の誤り' })).status).toBe(200);
    expect((await verifyPage(certId)).status).toBe(404);
    expect((await get(new URL(await certificateUrl(deps.env, certId, clock)).pathname)).status).toBe(404);
    const work = (await (await api('POST', `/api/v1/persons/${personId}/certificates`, { kind: 'work_restriction' })).json()) as { id: string };
    const text = await pdfText(new Uint8Array(await (await api('GET', `/api/v1/persons/${personId}/certificates/${work.id}/pdf`)).arrayBuffer()));
    expect(text).toContain('就業制限通知書');
    expect(text).toContain('就業制限の期間：2026年5月1日 から 2026年5月10日 まで');
    const audit = await queryRows<{ action: string }>(deps.db, sql`select action from audit_log where entity = 'certificate' and person_id = ${personId} and action in ('issue', 'revoke') order by id`);
    expect(audit.map((a) => a.action)).toEqual(['issue', 'revoke', 'issue']);
    const web = new Client(app);
    await web.signIn('n@cert.jp');
    const html = await (await web.get(`/admin/persons/${personId}`)).text();
    const card = html.slice(html.indexOf('id="person-certificates"'));
    expect(card).toContain('取消済み（氏名の誤り）');
    expect(card).toContain(`/admin/persons/${personId}/certificates/${work.id}/pdf`);
    const printed = await web.get(`/admin/persons/${personId}/certificates/${work.id}/pdf`);
    expect(printed.headers.get('content-type')).toBe('application/pdf');
  });
});
