import { and, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client';
import { alertDigests, staffUsers } from '../../../db/schema';
import type { Env } from '../../config/env';
import type { Logger } from '../../platform/logger';
import type { Mailer } from '../../platform/mail';
import { addDays, instantOf, localDateOf, localTimeOf } from '../time';
import { hourlyDigest, morningDigest, type DigestCounts } from './digest-texts';

export interface DigestDeps {
  db: Db;
  env: Env;
  logger: Logger;
  mailer?: Mailer;
}

interface CentreCounts {
  id: string;
  nameJa: string;
  timeZone: string;
  openRed: number;
  openAmber: number;
  acknowledged: number;
  oldestRed: string | null;
}

/**
 * The alert digests by e-mail, for the instant `now` (run by the tick):
 *  - hourly, to each centre's nurses and administrators, while it has alerts not resolved;
 *  - the morning summary at DIGEST_MORNING_AT local time (until noon, once a day): yesterday's
 *    new and resolved alerts and on-call pages, and what is open now.
 * Counts and a console link only. Each (centre, slot) is claimed by a unique row before the
 * mail goes, so ticks in several processes send it once; a failed send gives the claim back
 * for the next tick. Without SMTP_URL nothing is sent.
 */
export async function sendDigests(deps: DigestDeps, now: Date): Promise<number> {
  if (!deps.mailer) return 0;
  const centres = await queryRows<CentreCounts>(deps.db, sql`
    select j.id, j.name_ja as "nameJa", j.time_zone as "timeZone",
      count(*) filter (where a.status = 'open' and a.severity = 'red')::int as "openRed",
      count(*) filter (where a.status = 'open' and a.severity = 'amber')::int as "openAmber",
      count(*) filter (where a.status = 'acknowledged')::int as "acknowledged",
      min(a.created_at) filter (where a.status = 'open' and a.severity = 'red') as "oldestRed"
    from jurisdictions j left join alerts a on a.centre_id = j.id and a.status in ('open', 'acknowledged')
    where j.kind = 'health_centre'
    group by j.id`);
  const consoleUrl = `${deps.env.PUBLIC_BASE_URL.replace(/\/+$/, '')}/admin`;
  let sent = 0;
  for (const c of centres) {
    const date = localDateOf(now, c.timeZone);
    const time = localTimeOf(now, c.timeZone);
    const morning = time >= deps.env.DIGEST_MORNING_AT && time < '12:00';
    const open = c.openRed + c.openAmber + c.acknowledged > 0;
    const counts: DigestCounts = { openRed: c.openRed, openAmber: c.openAmber, acknowledged: c.acknowledged, oldestRedMinutes: c.oldestRed ? Math.floor((now.getTime() - new Date(c.oldestRed).getTime()) / 60_000) : 0 };
    let slot: string | null = null;
    let mail: { subject: string; text: string } | null = null;
    if (morning && !(await claimed(deps.db, c.id, `morning:${date}`))) {
      slot = `morning:${date}`;
      mail = morningDigest(c.nameJa, date, { ...counts, yesterday: await yesterday(deps.db, c, date) }, consoleUrl);
    } else if (open) {
      slot = `hourly:${now.toISOString().slice(0, 13)}`;
      mail = hourlyDigest(c.nameJa, counts, consoleUrl);
    }
    if (!slot || !mail) continue;
    if (!(await sendOnce(deps, c.id, slot, mail, now))) continue;
    sent++;
    // The morning summary stands for this hour's digest too.
    if (slot.startsWith('morning:')) await deps.db.insert(alertDigests).values({ centreId: c.id, slot: `hourly:${now.toISOString().slice(0, 13)}`, recipients: [], status: 'sent', sentAt: now, createdAt: now }).onConflictDoNothing();
  }
  return sent;
}

async function claimed(db: Db, centreId: string, slot: string): Promise<boolean> {
  const [row] = await db.select({ id: alertDigests.id }).from(alertDigests).where(and(eq(alertDigests.centreId, centreId), eq(alertDigests.slot, slot)));
  return !!row;
}

async function sendOnce(deps: DigestDeps, centreId: string, slot: string, mail: { subject: string; text: string }, now: Date): Promise<boolean> {
  const staff = await deps.db
    .select({ email: staffUsers.email })
    .from(staffUsers)
    .where(and(eq(staffUsers.jurisdictionId, centreId), inArray(staffUsers.role, ['nurse', 'centre_admin']), eq(staffUsers.disabled, false)));
  if (!staff.length) return false;
  const recipients = staff.map((s) => s.email);
  const [claim] = await deps.db.insert(alertDigests).values({ centreId, slot, recipients, createdAt: now }).onConflictDoNothing().returning({ id: alertDigests.id });
  if (!claim) return false;
  try {
    await deps.mailer!.send({ to: recipients, subject: mail.subject, text: mail.text });
    await deps.db.update(alertDigests).set({ status: 'sent', sentAt: now }).where(eq(alertDigests.id, claim.id));
    return true;
  } catch (err) {
    deps.logger.warn({ centreId, slot, err: { message: (err as Error).message } }, 'alert digest not sent; the next tick tries again');
    await deps.db.delete(alertDigests).where(eq(alertDigests.id, claim.id));
    return false;
  }
}

/** The previous local day of a centre: alerts raised and resolved, on-call pages. */
async function yesterday(db: Db, c: { id: string; timeZone: string }, today: string): Promise<{ raised: number; resolved: number; pages: number }> {
  const from = instantOf(addDays(today, -1), '00:00', c.timeZone).toISOString();
  const to = instantOf(today, '00:00', c.timeZone).toISOString();
  const [row] = await queryRows<{ raised: number; resolved: number; pages: number }>(db, sql`
    select
      (select count(*)::int from alerts where centre_id = ${c.id} and created_at >= ${from} and created_at < ${to}) as raised,
      (select count(*)::int from alerts where centre_id = ${c.id} and resolved_at >= ${from} and resolved_at < ${to}) as resolved,
      (select count(*)::int from escalation_pages p join escalations e on e.id = p.escalation_id where e.centre_id = ${c.id} and p.created_at >= ${from} and p.created_at < ${to}) as pages`);
  return row ?? { raised: 0, resolved: 0, pages: 0 };
}

