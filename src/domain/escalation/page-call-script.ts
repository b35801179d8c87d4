import { eq } from 'drizzle-orm';
import { escalationPages, outboundMessages } from '../../../db/schema';
import type { VerbArgs } from '../context';
import { requirePermission } from '../permissions';

/**
 * What a page's call says (recorded with the page, so the call says what was decided at the
 * step): the lines, and whether the page was already answered with key 1. Null for an unknown
 * page. Called by the Twilio door when the call connects; no personal data in it.
 */
export async function pageCallScript({ ctx, input }: VerbArgs<{ pageId: string }>): Promise<{ lines: string[]; acknowledged: boolean } | null> {
  requirePermission(ctx.actor, 'pageCallScript');
  const [row] = await ctx.tx
    .select({ body: outboundMessages.body, acknowledgedAt: escalationPages.acknowledgedAt })
    .from(escalationPages)
    .innerJoin(outboundMessages, eq(outboundMessages.id, escalationPages.callOutboundId))
    .where(eq(escalationPages.id, input.pageId));
  if (!row) return null;
  return { lines: (row.body as { say?: string[] } | null)?.say ?? [], acknowledged: !!row.acknowledgedAt };
}
