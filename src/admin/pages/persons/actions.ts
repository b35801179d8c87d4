import QRCode from 'qrcode';
import type { Deps } from '../../../deps';
import { sendCheckNow } from '../../../domain/persons/send-check-now';
import { issueLinkCode } from '../../../domain/persons/issue-link-code';
import { DISPATCH_JOBS } from '../../../jobs/dispatch';
import { runVerb } from '../../auth/run-verb';
import type { AdminContext } from '../../auth/types';

/**
 * "Send check now" for pages and API: the session is created in one transaction, then the
 * channel's dispatch job is enqueued with the session as its id (a double click or a retry
 * sends one prompt). If Redis refuses, the session stays pending and the tick's sweeper
 * sends it; `queued` says which happened.
 */
export async function sendCheckAndDispatch(deps: Deps, c: AdminContext, personId: string, channel?: string) {
  const started = await runVerb(deps, c, (ctx) => sendCheckNow({ ctx, input: { personId, channel } }));
  const queued = await deps.jobs.trigger(DISPATCH_JOBS[started.channel], { sessionIds: [started.sessionId], kind: 'prompt' }, { jobId: `dispatch:${started.channel}:prompt:${started.sessionId}` });
  return { ...started, queued };
}

/** What a link-code QR encodes: with LINE_BOT_BASIC_ID, a link opening the chat with the code typed in; else the digits. */
export function linkCodeUri(deps: Deps, code: string): string {
  const id = deps.env.LINE_BOT_BASIC_ID;
  return id ? `https://line.me/R/oaMessage/${encodeURIComponent(id)}/?${code}` : code;
}

/** Issue a person's LINE link code and render its QR code server-side as an SVG data URL. */
export async function issueLinkCodeWithQr(deps: Deps, c: AdminContext, personId: string) {
  return withQr(deps, await runVerb(deps, c, (ctx) => issueLinkCode({ ctx, input: { personId }, env: deps.env })));
}

/** An issued link code (a person's, a household contact's, a facility contact's) with its QR code as an SVG data URL. */
export async function withQr(deps: Deps, issued: { code: string; expiresAt: Date }) {
  const uri = linkCodeUri(deps, issued.code);
  const svg = await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return { code: issued.code, expiresAt: issued.expiresAt, uri, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}
