import { Hono, type Context } from 'hono';
import { TokenPageMeta } from '../../domain/web/token-page-meta';
import { tokenPageHeaders } from './page-headers';
import type { Deps } from '../../deps';
import { appSecret } from '../../config/env';
import { downloadByCertificateLink, downloadByCheckLink } from '../../domain/certificates/certificate-pdf';
import { jaDate } from '../../domain/certificates/render-certificate-pdf';
import { verifyCertificate } from '../../domain/certificates/verify-certificate';

/** Tokens are credentials and a verification is nobody else's business: never cached, never referred on, never indexed; nothing loads. */
const headers = tokenPageHeaders("default-src 'none'; base-uri 'none'; frame-ancestors 'none'");

const KIND_JA = { recuperation: '療養証明書', work_restriction: '就業制限通知書' } as const;
const KIND_EN = { recuperation: 'Certificate of recuperation', work_restriction: 'Notice of work restriction' } as const;

function pdf(c: Context, bytes: Uint8Array) {
  // The file name says what it is, never whose it is.
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/pdf', 'Content-Disposition': 'attachment; filename="certificate.pdf"' });
}

const shell = (title: string, body: unknown) => (
  <html lang="ja">
    <head><TokenPageMeta title={title} /></head>
    <body>{body}</body>
  </html>
);

async function html(c: Context, node: unknown, status: 200 | 404) {
  return c.html(`<!DOCTYPE html>${String(await Promise.resolve(node as Promise<string> | string))}`, status);
}

const notAvailable = (c: Context) =>
  html(c, shell('証明書', <><h1>証明書をお渡しできません</h1><p>リンクの有効期限が過ぎたか、まだ発行できる状態ではありません。保健所にお問い合わせください。</p><p lang="en">This certificate is not available (the link expired, or it cannot be issued yet). Please contact your health centre.</p></>), 404);

/**
 * The patient's and the public's side of certificates:
 * - GET /verify/<id> (the QR code): issued or not, which kind, for which dates — nothing else;
 * - GET /certificates/<token>: the PDF from a certificate link (LINE / SMS);
 * - GET /c/<token>/certificate: the PDF from the person's web check link (issued on request).
 */
export function createCertificatePublicRoutes(deps: Deps) {
  const app = new Hono();
  app.use('/verify/*', headers);
  app.use('/certificates/*', headers);
  app.use('/c/:token/certificate', headers);

  app.get('/verify/:id', async (c) => {
    const v = await verifyCertificate(deps.db, appSecret(deps.env), c.req.param('id'));
    if (!v.valid) {
      return html(c, shell('証明書の確認', <><h1 id="verify-result" data-valid="false">この証明書は確認できません</h1><p>発行されていない、取り消された、または内容が変更された証明書です。</p><p lang="en">This certificate cannot be confirmed: it was not issued here, was revoked, or was altered.</p></>), 404);
    }
    return html(
      c,
      shell('証明書の確認', (
        <>
          <h1 id="verify-result" data-valid="true">この証明書は発行されています</h1>
          <dl>
            <dt>種類</dt><dd id="verify-kind">{KIND_JA[v.kind]}（{KIND_EN[v.kind]}）</dd>
            <dt>期間</dt><dd id="verify-period">{jaDate(v.periodStart)} から {jaDate(v.periodEnd)} まで</dd>
            <dt>発行日</dt><dd id="verify-issued">{jaDate(v.issuedOn)}</dd>
          </dl>
          <p lang="en">This certificate was issued for the period {v.periodStart} – {v.periodEnd} (issued {v.issuedOn}).</p>
        </>
      )),
      200,
    );
  });

  app.get('/certificates/:token', async (c) => {
    const bytes = await downloadByCertificateLink(deps.db, deps.env, c.req.param('token'), deps.now());
    return bytes ? pdf(c, bytes) : notAvailable(c);
  });

  app.get('/c/:token/certificate', async (c) => {
    const bytes = await downloadByCheckLink(deps.db, deps.env, c.req.param('token'), deps.now());
    return bytes ? pdf(c, bytes) : notAvailable(c);
  });
  return app;
}
