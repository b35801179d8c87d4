import type { Deps } from '../../deps';
import { isSessionOpen, lockSession } from '../../domain/checks/session';
import { systemActor, withTransaction } from '../../domain/context';
import { issueWebLink, webLinkKeys } from '../../domain/web/issue-web-link';
import type { ChannelDispatcher, PromptKind } from '../dispatch';
import { deliverNotice, planNotice, planSmsToNumber, type NoticePlan } from '../text-notice';
import { contactReporterOf, openContactMemberNames, rideAlongUnlessFirst, type ContactReporter } from '../../domain/households/household-contact-session';
import type { Ctx } from '../../domain/context';
import type { SessionRow } from '../../domain/channels/place-call';
import { linkMessageText } from '../../domain/web/link-message';
import { openMemberNames } from '../../domain/households/household-session';
import { addresseeOf } from '../../domain/households/household-members';
import { membersOpenLine } from '../../flows';

/**
 * The web channel's dispatcher: a person whose main channel is the web page gets each
 * round's link (and reminders) by SMS when Twilio is configured and they have a number,
 * else by LINE push when LINE is configured and their account is linked. With neither (the
 * demo without provider accounts) the message is recorded as failed with "no provider
 * configured" and nothing is sent: the link is still reachable from the console
 * (「患者として試す」 / QR code). Retry keys `web:<kind>:<session>:<n>` make a retried job
 * send once.
 */
export const webDispatcher: ChannelDispatcher = {
  channel: 'web',
  batchSize: 1,
  async sendPrompts(deps: Deps, sessionIds: string[], kind: PromptKind): Promise<void> {
    for (const sessionId of sessionIds) {
      await deliverNotice(deps, await planLinkMessage(deps, sessionId, kind));
    }
  },
};

async function planLinkMessage(deps: Deps, sessionId: string, kind: PromptKind): Promise<NoticePlan> {
  return withTransaction(deps.db, { actor: systemActor('dispatch'), now: deps.now() }, async (ctx) => {
    const s = await lockSession(ctx, sessionId);
    if (!s || !isSessionOpen(s, ctx.now)) return null;
    const contact = await contactReporterOf(ctx.tx, s.personId);
    if (contact?.channel === 'web') return planContactLink(deps, ctx, s, contact, kind);
    const link = await issueWebLink({ ctx, input: { sessionId }, keys: webLinkKeys(deps.env) });
    // A reporter's reminder names the household members still to answer (the link leads through them).
    // A member's check carrying the chain after the reporter's own (carryReminderChain) is reminded
    // at the reporter's number, with the member's own link.
    const addressee = await addresseeOf(ctx.tx, s.personId);
    const names = kind === 'reminder' ? await openMemberNames(ctx.tx, addressee, ctx.now) : [];
    return planNotice(deps, ctx, {
      personId: addressee,
      sessionId,
      kind: `web_link_${kind}`,
      retryKey: `web:${kind}:${sessionId}:${kind === 'prompt' ? 1 : s.remindersSent + 1}`,
      text: (who) => [membersOpenLine(names, who.lang, 'sms'), linkMessageText(kind, who.lang, link.url, link.expiresAt, who.timeZone)].filter(Boolean).join('\n'),
    });
  });
}

/**
 * A household whose reporter is a contact on the web check (not a person): the first open
 * member's link goes by SMS to her number, in her language; the page then leads her through
 * the other members (household-link.ts), whose sessions ride along. Her reminder names the
 * members still open.
 */
async function planContactLink(deps: Deps, ctx: Ctx, s: SessionRow & { timeZone: string; quietHours: string | null }, contact: ContactReporter, kind: PromptKind): Promise<NoticePlan> {
  if (!contact.phone) return null; // (a web contact always has one: contactOfRow)
  if (kind === 'prompt' && (await rideAlongUnlessFirst(ctx, contact, s.id))) return null;
  const link = await issueWebLink({ ctx, input: { sessionId: s.id }, keys: webLinkKeys(deps.env) });
  const names = kind === 'reminder' ? await openContactMemberNames(ctx.tx, contact.householdId, ctx.now) : [];
  const text = [membersOpenLine(names, contact.lang, 'sms'), linkMessageText(kind, contact.lang, link.url, link.expiresAt, s.timeZone)].filter(Boolean).join('\n');
  return planSmsToNumber(deps, ctx, { personId: s.personId, sessionId: s.id, kind: `web_link_${kind}`, retryKey: `web:${kind}:${s.id}:${kind === 'prompt' ? 1 : s.remindersSent + 1}`, to: contact.phone, text, timeZone: s.timeZone, quietHours: s.quietHours });
}
