import { and, asc, eq, lte } from 'drizzle-orm';
import { escalations } from '../../../db/schema';
import { systemActor, withTransaction } from '../context';
import { deliverPage, unsentPages, type PagingDeps } from './deliver-page';
import { pageNextStep } from './page-next-step';
import { sendDigests } from './send-digests';
import { startEscalations } from './start-escalations';

const MINUTE = 60_000;

export interface EscalationSummary {
  alertsJoined: number;
  pages: number;
  pagesResent: number;
  callsRefused: number;
  chainsEnded: number;
  chainsExhausted: number;
  /** Twilio is not configured: nobody can be paged, so no chain is started (digests still go). */
  pagingOff: boolean;
  /** Digest e-mails sent (hourly per centre while alerts are open, the morning summary). */
  digests: number;
}

/**
 * The tick's escalation step, for the instant `now` (PostgreSQL holds every chain's state;
 * Redis plays no part, so its loss loses nothing):
 *  1. alerts overdue join their centre's chain (startEscalations);
 *  2. pages committed but never sent (the process stopped in between) are sent;
 *  3. every chain whose next step is due takes it, one transaction each (pageNextStep), and
 *     its page is delivered after the commit; a call Twilio refuses makes the next step due
 *     at once, and it is taken in the same run;
 *  4. the digest e-mails that are due (sendDigests).
 * Without Twilio settings nothing is paged (and no chain started): only the digests go.
 * Two processes running it at once: the row lock (skip locked) and the unique page per
 * step mean each step is paged once; a restart resumes from the stored step.
 */
export async function runEscalations(deps: PagingDeps, now: Date, limit = 200): Promise<EscalationSummary> {
  const env = deps.env;
  const d: PagingDeps = { ...deps, now: () => now };
  const repeatMs = env.ESCALATE_REPEAT_MINUTES * MINUTE;
  const summary: EscalationSummary = { alertsJoined: 0, pages: 0, pagesResent: 0, callsRefused: 0, chainsEnded: 0, chainsExhausted: 0, digests: 0, pagingOff: !env.TWILIO_ACCOUNT_SID };
  if (summary.pagingOff) {
    summary.digests = await sendDigests(deps, now);
    return summary;
  }
  summary.alertsJoined = await startEscalations(deps.db, now, { redAfterMs: env.ESCALATE_RED_AFTER_MINUTES * MINUTE, amberAfterMs: env.ESCALATE_AMBER_AFTER_MINUTES * MINUTE, repeatMs });
  for (const page of await unsentPages(deps.db, now, repeatMs)) {
    summary.pagesResent++;
    if ((await deliverPage(d, page)).callRefused) summary.callsRefused++;
  }
  const consoleUrl = `${env.PUBLIC_BASE_URL.replace(/\/+$/, '')}/admin`;
  // A chain's steps in one run only while calls are refused at once; bounded all the same.
  for (let round = 0; round < 12; round++) {
    const due = await deps.db
      .select({ id: escalations.id })
      .from(escalations)
      .where(and(eq(escalations.status, 'active'), lte(escalations.nextAt, now)))
      .orderBy(asc(escalations.nextAt))
      .limit(limit);
    if (!due.length) break;
    let refused = 0;
    for (const { id } of due) {
      const result = await withTransaction(deps.db, { actor: systemActor('escalation'), now }, (ctx) => pageNextStep(ctx, id, { repeatMs, consoleUrl, rounds: env.ESCALATE_CHAIN_ROUNDS }));
      if (result.kind === 'ended') summary.chainsEnded++;
      if (result.kind === 'exhausted') summary.chainsExhausted++;
      if (result.kind !== 'paged') continue;
      summary.pages++;
      if ((await deliverPage(d, result.page)).callRefused) {
        summary.callsRefused++;
        refused++;
      }
    }
    if (!refused) break;
  }
  summary.digests = await sendDigests(deps, now);
  return summary;
}
