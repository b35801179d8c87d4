import { and, eq, sql } from 'drizzle-orm';
import { escalationPages, escalations, jurisdictions, outboundMessages } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { Ctx } from '../context';
import { chainAlerts, recordChainEvent } from './chain-events';
import { chainAt } from './escalation-chain';
import { pageCallLines, pageSmsText, targetJa } from './page-texts';

/**
 * Where step `step` of a chain falls: the chain is walked `rounds` times over (after the
 * last person — the prefecture's — the first is paged again), then it is exhausted. Steps
 * only grow, so each page keeps its unique (chain, step) key across rounds.
 */
export function chainPlace(step: number, length: number, rounds: number): { kind: 'page'; index: number; round: number } | { kind: 'exhausted' } {
  if (length === 0) return { kind: 'exhausted' };
  const round = Math.floor(step / length);
  return round >= rounds ? { kind: 'exhausted' } : { kind: 'page', index: step % length, round };
}

/** A page recorded in the step's transaction, to be delivered once it has committed. */
export interface PageToSend {
  pageId: string;
  phone: string;
  callOutboundId: string;
  smsOutboundId: string;
}

export type StepResult = { kind: 'paged'; page: PageToSend } | { kind: 'ended' } | { kind: 'exhausted' } | { kind: 'not_due' };

/**
 * Take one due step of one chain, in the caller's transaction (ctx.tx):
 *  - lock the chain (FOR UPDATE SKIP LOCKED: another process taking it now simply wins);
 *  - no alert of it still open (taken in the console or by phone) → the chain ends, nobody paged;
 *  - the chain is resolved at this instant (the centre's rota, its administrator, the
 *    prefecture's) and walked `rounds` times (ESCALATE_CHAIN_ROUNDS); nobody left → 'exhausted',
 *    said on every alert;
 *  - else one page (unique per chain and step: never twice) with its call and SMS recorded
 *    as queued outbound rows, the step moved on and the next one due ESCALATE_REPEAT_MINUTES later.
 * Staff pages ignore the patients' quiet hours.
 */
export async function pageNextStep(ctx: Ctx, escalationId: string, opts: { repeatMs: number; consoleUrl: string; rounds?: number }): Promise<StepResult> {
  const [chain] = await ctx.tx
    .select({ e: escalations, centreName: jurisdictions.nameJa, parentId: jurisdictions.parentId, timeZone: jurisdictions.timeZone })
    .from(escalations)
    .innerJoin(jurisdictions, eq(jurisdictions.id, escalations.centreId))
    .where(and(eq(escalations.id, escalationId), eq(escalations.status, 'active'), sql`${escalations.nextAt} <= ${ctx.now.toISOString()}`))
    .for('update', { of: escalations, skipLocked: true });
  if (!chain) return { kind: 'not_due' };
  const { e } = chain;
  const open = await chainAlerts(ctx, e.id, { openOnly: true });
  if (!open.length) {
    await ctx.tx.update(escalations).set({ status: 'resolved', endedAt: ctx.now, updatedAt: ctx.now }).where(eq(escalations.id, e.id));
    await writeAudit(ctx, { action: 'end', entity: 'escalation', entityId: e.id, details: { reason: 'acknowledged', step: e.step } });
    return { kind: 'ended' };
  }
  const links = await chainAt(ctx.tx, { id: e.centreId, parentId: chain.parentId, timeZone: chain.timeZone }, ctx.now);
  const place = chainPlace(e.step, links.length, opts.rounds ?? 1);
  if (place.kind === 'exhausted') {
    await ctx.tx.update(escalations).set({ status: 'exhausted', endedAt: ctx.now, updatedAt: ctx.now }).where(eq(escalations.id, e.id));
    await recordChainEvent(ctx, open, links.length === 0 ? '当番表に連絡先がないため、電話で知らせられませんでした' : '当番表の連絡先をすべて試しましたが、確認されませんでした', { escalationId: e.id, step: e.step, outcome: 'exhausted' });
    return { kind: 'exhausted' };
  }
  const link = links[place.index]!;
  // Everyone was paged and nobody took the alerts: start again from the first (said once).
  if (place.index === 0 && place.round > 0) {
    await recordChainEvent(ctx, open, `確認されないため、当番表の最初から知らせ直します（${place.round + 1}巡目）`, { escalationId: e.id, step: e.step, outcome: 'restarted', round: place.round + 1 });
  }
  const [page] = await ctx.tx
    .insert(escalationPages)
    .values({ escalationId: e.id, step: e.step, role: link.role, rotaJurisdictionId: link.rotaJurisdictionId, shiftId: link.shiftId, name: link.name, staffUserId: link.staffUserId, phone: link.phone, alertIds: open.map((a) => a.id), createdAt: ctx.now })
    .onConflictDoNothing()
    .returning({ id: escalationPages.id });
  // The step is claimed by its unique key; should it exist already, it was paged: move on.
  await ctx.tx.update(escalations).set({ step: e.step + 1, nextAt: new Date(ctx.now.getTime() + opts.repeatMs), updatedAt: ctx.now }).where(eq(escalations.id, e.id));
  if (!page) return { kind: 'not_due' };
  const counts = { red: open.filter((a) => a.severity === 'red').length, amber: open.filter((a) => a.severity === 'amber').length };
  const [call, sms] = await ctx.tx
    .insert(outboundMessages)
    .values([
      { personId: null, sessionId: null, channel: 'voice' as const, kind: 'page_call', retryKey: `page:${page.id}:call`, body: { say: pageCallLines(chain.centreName, counts) }, createdAt: ctx.now, updatedAt: ctx.now },
      { personId: null, sessionId: null, channel: 'sms' as const, kind: 'page_sms', retryKey: `page:${page.id}:sms`, body: { text: pageSmsText(chain.centreName, counts, opts.consoleUrl) }, createdAt: ctx.now, updatedAt: ctx.now },
    ])
    .returning({ id: outboundMessages.id, kind: outboundMessages.kind });
  const callId = call!.kind === 'page_call' ? call!.id : sms!.id;
  const smsId = call!.kind === 'page_call' ? sms!.id : call!.id;
  await ctx.tx.update(escalationPages).set({ callOutboundId: callId, smsOutboundId: smsId }).where(eq(escalationPages.id, page.id));
  await recordChainEvent(ctx, open, `${targetJa(link)}に電話とSMSで知らせました`, { escalationId: e.id, pageId: page.id, step: e.step, role: link.role, position: link.position, covering: link.covering });
  return { kind: 'paged', page: { pageId: page.id, phone: link.phone, callOutboundId: callId, smsOutboundId: smsId } };
}
