import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client';
import { facilities, facilityContacts, facilityRounds, outboundMessages } from '../../../db/schema';
import type { Env } from '../../config/env';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { ConflictError, ValidationError } from '../errors';
import { recordOutboundRows, type NewOutbound, type OutboundRow } from '../outbox/outbound-messages';
import { requirePermission } from '../permissions';
import { facilityRoundKeys, issueFacilityRoundLink } from './facility-round';
import { facilityInScope } from './facility-verbs';
import { parseQuietHours, quietHoursSql } from '../rounds/quiet-hours';

/**
 * Sending a round's signed link to the facility's staff contacts: at each round time (the
 * tick queues `facilities.round-link` once per round) and on 「リンクを再送」. Every message
 * is a row of the one outbox (outbound_messages, kind `facility_round_link`, no person):
 * SMS to a contact's phone, LINE to a contact's LINE user id, mail to a contact's address —
 * each only when its provider is configured; otherwise the row is recorded as failed
 * (`not_configured`) so the facility page's contact log says why nothing went out.
 */

export const FACILITY_LINK_KIND = 'facility_round_link';

/** Which providers the sending process has (Twilio, LINE, SMTP). */
export interface LinkProviders {
  sms: boolean;
  line: boolean;
  mail: boolean;
}

/** One recorded message still to send after the transaction commits. */
export interface FacilityLinkSend {
  row: OutboundRow;
  via: 'sms' | 'line' | 'mail';
  to: string;
  text: string;
  subject: string;
}

const hhmm = (d: Date, tz: string) => new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);

/** The message: short for SMS (Japanese, one link); mail adds an English paragraph. Only the facility's name, the round and the link — no resident. */
export function facilityLinkText(p: { facility: string; localDate: string; round: string; until: string; url: string }, via: 'sms' | 'line' | 'mail'): { subject: string; text: string } {
  const date = p.localDate.slice(5).replace('-', '/');
  const ja = `【見守り】${p.facility} ${date} ${p.round}の一括報告をお願いします（${p.until}まで）。\n${p.url}`;
  const subject = `【見守り】${p.facility} ${date} ${p.round} 健康観察の一括報告 / Facility round report`;
  if (via !== 'mail') return { subject, text: ja };
  const en = `[Mimamori] Please report the ${p.round} round of ${p.localDate} for ${p.facility} (until ${p.until}) on this page:\n${p.url}`;
  return { subject, text: `${ja}\n\nこのリンクは施設の職員の方だけのものです。転送しないでください。\n\n${en}\nThis link is for the facility's staff only; please do not forward it.` };
}

/** What a job sends now, and when to come back for the SMS held by quiet hours (null: none held). */
export interface FacilityLinkPlan {
  sends: FacilityLinkSend[];
  smsHeldUntil: Date | null;
}

/**
 * Record the round link for each contact and route (in the caller's transaction, once per
 * `sendKey`: 'auto' for the round's own sending, 'r<ms>' for a resend) and return the rows
 * to send. Nothing for a round that is submitted, over, or of a deactivated facility.
 *
 * Quiet hours (the centre's own, else QUIET_HOURS): a link SMS follows the rule of every SMS
 * to a number (src/domain/rounds/quiet-hours.ts) — nothing is texted inside them. Facilities
 * choose their own round times, and one may have a night round (night staff report by LINE or
 * mail, which are not held), so the facility form does not refuse such a time; instead the
 * SMS waits, unrecorded, until quiet hours end (`smsHeldUntil`: the job comes back then), or,
 * when the round is over before they end, is recorded failed 'quiet_hours' so the contact
 * log says why that number got nothing. The LINE and mail links go at once.
 */
export async function planFacilityRoundLinks(ctx: Ctx, input: { roundId: string; sendKey: string; env: Env; providers: LinkProviders }): Promise<FacilityLinkPlan> {
  const [r] = await ctx.tx
    .select({ r: facilityRounds, f: facilities, tz: sql<string>`(select time_zone from jurisdictions where id = ${facilities.responsibleCentreId})` })
    .from(facilityRounds)
    .innerJoin(facilities, eq(facilities.id, facilityRounds.facilityId))
    .where(eq(facilityRounds.id, input.roundId));
  if (!r || !r.f.active || r.r.submittedAt || r.r.expiresAt <= ctx.now) return { sends: [], smsHeldUntil: null };
  const contacts = await ctx.tx.select().from(facilityContacts).where(eq(facilityContacts.facilityId, r.f.id)).orderBy(facilityContacts.createdAt, facilityContacts.id);
  if (!contacts.length) return { sends: [], smsHeldUntil: null };
  const quietUntil = await quietHoursEndAt(ctx, r.f.responsibleCentreId, input.env);
  const smsHeldUntil = quietUntil && quietUntil < r.r.expiresAt ? quietUntil : null;
  const keys = facilityRoundKeys(input.env);
  const url = `${keys.baseUrl}/f/${await keys.signer.sign(r.r.id, r.r.expiresAt)}`;
  const until = hhmm(r.r.expiresAt, r.tz ?? 'Asia/Tokyo');
  const wanted: { contact: (typeof contacts)[number]; via: FacilityLinkSend['via']; to: string }[] = [];
  for (const c of contacts) {
    if (c.phone && !smsHeldUntil) wanted.push({ contact: c, via: 'sms', to: c.phone });
    if (c.lineUserId) wanted.push({ contact: c, via: 'line', to: c.lineUserId });
    if (c.email) wanted.push({ contact: c, via: 'mail', to: c.email });
  }
  const resend = input.sendKey !== 'auto';
  const news: (NewOutbound & { via: FacilityLinkSend['via'] })[] = wanted.map((w) => {
    const { subject, text } = facilityLinkText({ facility: r.f.name, localDate: r.r.localDate, round: r.r.round, until, url }, w.via);
    return {
      via: w.via,
      personId: null,
      sessionId: null,
      channel: w.via,
      kind: FACILITY_LINK_KIND,
      retryKey: `facility-link:${r.r.id}:${input.sendKey}:${w.contact.id}:${w.via}`,
      body: { facilityId: r.f.id, roundId: r.r.id, contactId: w.contact.id, contactName: w.contact.name, resend, text, ...(w.via === 'mail' ? { subject } : {}) },
    };
  });
  const rows = await recordOutboundRows(ctx.tx, news.map(({ via: _via, ...n }) => n), ctx.now);
  const sends: FacilityLinkSend[] = [];
  for (const [i, row] of rows.entries()) {
    const w = wanted[i]!;
    if (row.status !== 'queued') continue;
    // Recorded so the contact log says why this contact got nothing by this route.
    const unsent = !input.providers[w.via] ? { errorCode: 'not_configured', errorMessage: `${w.via} is not configured` } : w.via === 'sms' && quietUntil ? { errorCode: 'quiet_hours', errorMessage: 'quiet hours last until after the round is over' } : null;
    if (unsent) {
      await ctx.tx.update(outboundMessages).set({ status: 'failed', ...unsent, attempts: 1, updatedAt: ctx.now }).where(eq(outboundMessages.id, row.id));
      continue;
    }
    const body = row.body as { text: string; subject?: string };
    sends.push({ row, via: w.via, to: w.to, text: body.text, subject: body.subject ?? '' });
  }
  await writeAudit(ctx, { action: resend ? 'resend_link' : 'send_link', entity: 'facility_round', entityId: r.r.id, details: { messages: rows.length, sending: sends.length } });
  return { sends, smsHeldUntil };
}

/** When the quiet hours of the facility's centre end, if it is inside them now (else null). */
async function quietHoursEndAt(ctx: Ctx, centreId: string, env: Env): Promise<Date | null> {
  const q = quietHoursSql(sql`j.time_zone`, ctx.now, parseQuietHours(env.QUIET_HOURS), sql`j.quiet_hours`);
  const [row] = await queryRows<{ in_quiet: boolean; ends_at: Date | string }>(ctx.tx, sql`select ${q.inQuiet} as in_quiet, ${q.endsAt} as ends_at from jurisdictions j where j.id = ${centreId}`);
  return row?.in_quiet ? new Date(row.ends_at) : null;
}

/**
 * 「リンクを再送」: the current round (created if needed, like issuing the link) is sent to
 * the contacts again. Refused when there is no contact to send to or the round is already
 * submitted. Returns the round and the send key for the job.
 */
export async function resendFacilityRoundLink({ ctx, input, env }: VerbArgs<{ facilityId: string }> & { env: Env }): Promise<{ roundId: string; sendKey: string }> {
  requirePermission(ctx.actor, 'resendFacilityRoundLink');
  const f = await facilityInScope(ctx, input.facilityId);
  const contacts = await ctx.tx.select({ id: facilityContacts.id }).from(facilityContacts).where(and(eq(facilityContacts.facilityId, f.id), sql`(${facilityContacts.phone} is not null or ${facilityContacts.email} is not null or ${facilityContacts.lineUserId} is not null)`));
  if (!contacts.length) throw new ValidationError([{ field: 'contacts', message: 'the facility has no contact with a phone, mail address or LINE id', messageJa: '電話番号・メール・LINE のある連絡先が登録されていません' }]);
  const { roundId } = await issueFacilityRoundLink({ ctx, input: { facilityId: f.id }, keys: facilityRoundKeys(env) });
  const [open] = await ctx.tx.select({ id: facilityRounds.id }).from(facilityRounds).where(and(eq(facilityRounds.id, roundId), isNull(facilityRounds.submittedAt), gt(facilityRounds.expiresAt, ctx.now)));
  if (!open) throw new ConflictError('this round is already submitted or over', undefined, 'この回はすでに提出済みか終了しています');
  return { roundId, sendKey: `r${ctx.now.getTime()}` };
}

/**
 * The tick's step: rounds open now whose link has not been queued yet (opened by the tick
 * or by staff issuing the link), for facilities with contacts. The caller enqueues one job
 * per round, then marks them (markLinksQueued): a crash between the two enqueues again,
 * and the job id per round and the outbox's retry keys make that send nothing twice.
 */
export async function roundsToSendLinks(db: Ctx['tx'], now: Date, limit = 500): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select r.id from facility_rounds r join facilities f on f.id = r.facility_id
        where r.links_queued_at is null and r.submitted_at is null and r.expires_at > ${now.toISOString()}::timestamptz and f.active
          and exists (select 1 from facility_contacts c where c.facility_id = f.id)
        order by r.created_at limit ${limit}`,
  );
  return rows.map((r) => r.id);
}

export async function markLinksQueued(db: Ctx['tx'], roundIds: string[], now: Date): Promise<void> {
  if (roundIds.length) await db.update(facilityRounds).set({ linksQueuedAt: now }).where(inArray(facilityRounds.id, roundIds));
}
