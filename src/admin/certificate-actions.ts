import type { Deps } from '../deps';
import { appSecret } from '../config/env';
import { issueCertificate } from '../domain/certificates/issue-certificate';
import { certificateNoticeJob } from '../jobs/certificate-notice';
import { runVerb } from './auth/run-verb';
import type { AdminContext } from './auth/types';

/**
 * Issue a certificate for pages and API, then send the person its link (LINE / SMS) by a
 * job keyed by the certificate (a double click sends one). If Redis refuses, the certificate
 * stands and staff can print it; `queued` says which happened.
 */
export async function issueCertificateAndNotify(deps: Deps, c: AdminContext, personId: string, kind: unknown) {
  const r = await runVerb(deps, c, (ctx) => issueCertificate({ ctx, input: { personId, kind }, secret: appSecret(deps.env) }));
  const queued = r.issued ? await deps.jobs.trigger(certificateNoticeJob, { certificateId: r.id }) : false;
  return { ...r, queued };
}
