import { Hono } from 'hono';
import { z } from 'zod';
import { CERTIFICATE_KINDS } from '../../../db/schema';
import type { Deps } from '../../deps';
import { printCertificate } from '../../domain/certificates/certificate-pdf';
import { getPersonCertificates, revokeCertificate } from '../../domain/certificates/revoke-certificate';
import { NotFoundError } from '../../domain/errors';
import { issueCertificateAndNotify } from '../certificate-actions';
import { idParam, runVerb } from '../auth/run-verb';
import type { AdminEnv } from '../auth/types';
import { jsonBody } from './json-body';
import { registerRoute } from './openapi';

const pid = { id: 'person id (UUID)' };
const cid = { ...pid, certificateId: 'certificate id (UUID)' };
registerRoute({ method: 'get', path: '/persons/{id}/certificates', summary: 'Certificates issued to a person (audited)', tags: ['certificates'], params: pid });
registerRoute({ method: 'post', path: '/persons/{id}/certificates', summary: 'Issue a certificate (療養証明書 recuperation / 就業制限通知 work_restriction) after monitoring ended; its link goes to the person', tags: ['certificates'], params: pid, body: z.object({ kind: z.enum(CERTIFICATE_KINDS).optional() }), responses: { 201: '{ id, issued, queued }', 409: 'monitoring not ended, or not a patient' } });
registerRoute({ method: 'post', path: '/persons/{id}/certificates/{certificateId}/revoke', summary: 'Revoke a certificate (it no longer verifies)', tags: ['certificates'], params: cid, body: z.object({ reason: z.string() }) });
registerRoute({ method: 'get', path: '/persons/{id}/certificates/{certificateId}/pdf', summary: 'The certificate as PDF (audited as a print)', tags: ['certificates'], params: cid });

/** /api/v1/persons/{id}/certificates */
export function createCertificateApi(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.get('/persons/:id/certificates', async (c) => {
    const personId = idParam(c, 'id', 'person');
    return c.json(await runVerb(deps, c, (ctx) => getPersonCertificates({ ctx, input: { personId } })));
  });
  app.post('/persons/:id/certificates', async (c) => {
    const personId = idParam(c, 'id', 'person');
    const body = await jsonBody(c);
    return c.json(await issueCertificateAndNotify(deps, c, personId, body.kind), 201);
  });
  app.post('/persons/:id/certificates/:cid/revoke', async (c) => {
    const personId = idParam(c, 'id', 'person');
    const certificateId = idParam(c, 'cid', 'certificate');
    const body = await jsonBody(c);
    return c.json(await runVerb(deps, c, (ctx) => revokeCertificate({ ctx, input: { personId, certificateId, reason: body.reason } })));
  });
  app.get('/persons/:id/certificates/:cid/pdf', async (c) => {
    const personId = idParam(c, 'id', 'person');
    const certificateId = idParam(c, 'cid', 'certificate');
    const bytes = await runVerb(deps, c, (ctx) => printCertificate({ ctx, input: { personId, certificateId }, env: deps.env }));
    if (!bytes) throw new NotFoundError('certificate', certificateId);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/pdf', 'Content-Disposition': 'attachment; filename="certificate.pdf"' });
  });
  return app;
}
