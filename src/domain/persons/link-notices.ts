import { outboundMessages } from '../../../db/schema';
import type { Ctx } from '../context';

const NOTICE_JA =
  '見守りのLINE連携が、別のLINEアカウントに切り替えられました。お心当たりがない場合は、担当の保健所へすぐにご連絡ください。このアカウントには今後、健康観察のお知らせは届きません。';
const NOTICE_EN =
  'Your Mimamori LINE link was moved to another LINE account. If this was not you, please call your health centre at once. This account will no longer receive health checks.';

/**
 * The message to the LINE account a person's link was taken from, queued in the outbox
 * (outbound_messages, channel line): the LINE outbound sweep pushes it, with its retry key,
 * once it has waited its lease. Queued in the linking transaction, so it goes out only if
 * the new link commits.
 */
export async function queueLinkChangedNotice(ctx: Ctx, n: { personId: string; codeId: string; to: string }): Promise<void> {
  await ctx.tx
    .insert(outboundMessages)
    .values({
      channel: 'line',
      kind: 'link_changed',
      retryKey: `line:link-changed:${n.codeId}`,
      personId: n.personId,
      sessionId: null,
      body: { to: n.to, messages: [{ type: 'text', text: `${NOTICE_JA}\n\n${NOTICE_EN}` }] },
      status: 'queued',
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .onConflictDoNothing();
}
