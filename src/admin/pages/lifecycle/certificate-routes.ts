import { Hono } from 'hono';
import type { Deps } from '../../../deps';
import { printCertificate } from '../../../domain/certificates/certificate-pdf';
import { revokeCertificate } from '../../../domain/certificates/revoke-certificate';
import { NotFoundError } from '../../../domain/errors';
import { issueCertificateAndNotify } from '../../certificate-actions';
import { idParam, runVerb } from '../../auth/run-verb';
import type { AdminEnv } from '../../auth/types';
import { formOf, runAction } from './refusal-page';

/** 証明書 actions from the person page: issue, revoke, print (PDF). */
export function createCertificateRoutes(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.post('/persons/:id/certificates', async (c) => {
    const id = idParam(c, 'id', 'person');
    const b = await formOf(c);
    return runAction(c, `/admin/persons/${id}`, undefined, async () => (await issueCertificateAndNotify(deps, c, id, b.kind), `/admin/persons/${id}#person-certificates`));
  });
  app.post('/persons/:id/certificates/:cid/revoke', async (c) => {
    const id = idParam(c, 'id', 'person');
    const cid = idParam(c, 'cid', 'certificate');
    const b = await formOf(c);
    return runAction(c, `/admin/persons/${id}`, b.reason, async () => (await runVerb(deps, c, (ctx) => revokeCertificate({ ctx, input: { personId: id, certificateId: cid, reason: b.reason } })), `/admin/persons/${id}#person-certificates`));
  });
  app.get('/persons/:id/certificates/:cid/pdf', async (c) => {
    const id = idParam(c, 'id', 'person');
    const cid = idParam(c, 'cid', 'certificate');
    const bytes = await runVerb(deps, c, (ctx) => printCertificate({ ctx, input: { personId: id, certificateId: cid }, env: deps.env }));
    if (!bytes) throw new NotFoundError('certificate', cid); // revoked, or no longer what was signed
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/pdf', 'Content-Disposition': 'inline; filename="certificate.pdf"', 'Cache-Control': 'no-store' });
  });
  return app;
}
