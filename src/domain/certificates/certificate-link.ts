import { appSecret, type Env } from '../../config/env';
import { createWebLinkSigner } from '../web/link-token';

/** How long a certificate's download link works (the patient may need it for an employer or an insurer). */
export const CERTIFICATE_LINK_DAYS = 90;

/**
 * The certificate download link `/certificates/<token>`: the token is the certificate id and
 * an expiry, MAC'd like a web check link but under its own domain (one kind of link is never
 * taken for the other). No personal data in the URL.
 */
export function certificateLinkSigner(env: Env) {
  return createWebLinkSigner(appSecret(env), 'mimamori/certificate-link/v1');
}

export async function certificateUrl(env: Env, certificateId: string, now: Date): Promise<string> {
  const token = await certificateLinkSigner(env).sign(certificateId, new Date(now.getTime() + CERTIFICATE_LINK_DAYS * 86_400_000));
  return `${env.PUBLIC_BASE_URL.replace(/\/$/, '')}/certificates/${token}`;
}

export const verifyUrl = (env: Env, certificateId: string): string => `${env.PUBLIC_BASE_URL.replace(/\/$/, '')}/verify/${certificateId}`;
