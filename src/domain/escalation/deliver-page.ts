import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { escalationPages, outboundMessages } from '../../../db/schema';
import type { Env } from '../../config/env';
import type { Logger } from '../../platform/logger';
import type { Mailer } from '../../platform/mail';
import { twilioPost, TwilioRestError, type TwilioRestSettings } from '../../platform/twilio-rest';
import { systemActor, withTransaction } from '../context';
import { pageRefused } from './page-outcome';
import type { PageToSend } from './page-next-step';

export interface PagingDeps {
  db: Db;
  env: Env;
  logger: Logger;
  now: () => Date;
  /** For the digests (src/platform/mail.ts); none without SMTP_URL. */
  mailer?: Mailer;
}

const base = (env: Env) => env.PUBLIC_BASE_URL.replace(/\/+$/, '');

function settingsOf(env: Env): TwilioRestSettings | null {
  if (!env.TWILIO_ACCOUNT_SID || !env.TWILIO_AUTH_TOKEN || !env.TWILIO_FROM_NUMBER) return null;
  return { accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, fromNumber: env.TWILIO_FROM_NUMBER, apiBaseUrl: env.TWILIO_API_BASE_URL };
}

/** The TwiML address of a page's call (ids only in the URL). */
export const pageCallUrl = (env: Env, pageId: string) => `${base(env)}/webhooks/twilio/page?p=${pageId}`;

/** Claim a queued outbound row (queued → sending); false when another process or an earlier run has it. */
async function claim(db: Db, id: string, now: Date): Promise<{ body: { text?: string } | null } | null> {
  const [row] = await db
    .update(outboundMessages)
    .set({ status: 'sending', attempts: sql`${outboundMessages.attempts} + 1`, updatedAt: now })
    .where(and(eq(outboundMessages.id, id), eq(outboundMessages.status, 'queued')))
    .returning({ body: outboundMessages.body });
  return row ? { body: row.body as { text?: string } | null } : null;
}

async function settle(deps: PagingDeps, id: string, result: { sid: string } | TwilioRestError): Promise<void> {
  const now = deps.now();
  if (result instanceof TwilioRestError) {
    await deps.db.update(outboundMessages).set({ status: 'failed', errorCode: result.code, errorMessage: result.message, updatedAt: now }).where(eq(outboundMessages.id, id));
  } else {
    await deps.db.update(outboundMessages).set({ providerMessageId: result.sid, updatedAt: now }).where(eq(outboundMessages.id, id));
  }
}

const attempt = (p: Promise<{ sid: string }>) => p.catch((err: unknown) => (err instanceof TwilioRestError ? err : new TwilioRestError(null, 'network', true)));

/**
 * Send a page after its step committed: the call (TwiML from /webhooks/twilio/page, answering
 * machines detected, 30 s of ringing) and the SMS, each claimed first so two senders never
 * both send it. A call Twilio refuses moves the chain on at once (pageRefused); no retry:
 * the next person is the better retry. Returns whether the call was refused.
 */
export async function deliverPage(deps: PagingDeps, page: PageToSend): Promise<{ callRefused: boolean }> {
  const settings = settingsOf(deps.env);
  const refusedNoTwilio = new TwilioRestError(null, 'not_configured', false);
  let callResult: { sid: string } | TwilioRestError | null = null;
  if (await claim(deps.db, page.callOutboundId, deps.now())) {
    callResult = settings
      ? await attempt(
          twilioPost(settings, 'Calls', {
            To: page.phone,
            From: settings.fromNumber,
            Url: pageCallUrl(deps.env, page.pageId),
            Method: 'POST',
            MachineDetection: 'Enable',
            Timeout: '30',
            StatusCallback: `${base(deps.env)}/webhooks/twilio/status`,
            StatusCallbackMethod: 'POST',
            StatusCallbackEvent: ['answered', 'completed'],
          }),
        )
      : refusedNoTwilio;
    await settle(deps, page.callOutboundId, callResult);
  }
  const sms = await claim(deps.db, page.smsOutboundId, deps.now());
  if (sms) {
    const smsResult = settings
      ? await attempt(twilioPost(settings, 'Messages', { To: page.phone, From: settings.fromNumber, Body: sms.body?.text ?? '', StatusCallback: `${base(deps.env)}/webhooks/twilio/status` }))
      : refusedNoTwilio;
    await settle(deps, page.smsOutboundId, smsResult);
  }
  if (!(callResult instanceof TwilioRestError)) return { callRefused: false };
  deps.logger.warn({ pageId: page.pageId, code: callResult.code }, 'on-call page: the call was refused; paging the next person');
  await withTransaction(deps.db, { actor: systemActor('escalation'), now: deps.now() }, async (ctx) => {
    const [row] = await ctx.tx.select().from(escalationPages).where(eq(escalationPages.id, page.pageId)).for('update');
    if (row) await pageRefused(ctx, row, callResult.code);
  });
  return { callRefused: true };
}

/** Pages whose call or SMS is still queued (the process stopped between commit and send): sent now, claimed as above. */
export async function unsentPages(db: Db, now: Date, maxAgeMs: number): Promise<PageToSend[]> {
  const rows = await db
    .select({ pageId: escalationPages.id, phone: escalationPages.phone, callOutboundId: escalationPages.callOutboundId, smsOutboundId: escalationPages.smsOutboundId })
    .from(escalationPages)
    .where(
      and(
        sql`${escalationPages.createdAt} > ${new Date(now.getTime() - maxAgeMs).toISOString()}`,
        sql`exists (select 1 from outbound_messages o where o.id in (${escalationPages.callOutboundId}, ${escalationPages.smsOutboundId}) and o.status = 'queued')`,
      ),
    );
  return rows.filter((r) => r.callOutboundId && r.smsOutboundId).map((r) => ({ pageId: r.pageId, phone: r.phone, callOutboundId: r.callOutboundId!, smsOutboundId: r.smsOutboundId! }));
}
