import type { Deps } from '../../deps';
import { isSessionOpen, lockSession } from '../../domain/checks/session';
import { systemActor, withTransaction } from '../../domain/context';
import { issueWebLink, webLinkKeys } from '../../domain/web/issue-web-link';
import type { ChannelDispatcher, PromptKind } from '../dispatch';
import { deliverNotice, planNotice, type NoticePlan } from '../text-notice';
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
