import { and, eq, sql } from 'drizzle-orm';
import { uuidArray } from '../../../db/client';
import { checkSessions, householdMembers, households, jurisdictions, outboundMessages, personChannels, persons } from '../../../db/schema';
import type { Deps } from '../../deps';
import { localDateOf } from '../time';
import type { Lang } from '../../flows';
import { OPEN_TO_SEND, settleRecheck, stillToSendSql, type PromptKind } from '../rounds/record-dispatch';
import { contactReporterColumns, lineContactOf, type ContactReporter } from '../households/household-contact-session';
import { raiseChannelLost } from './line-channel-lost';
import { contextColumns, type ContextSubject } from '../checks/flow-context';

/** One key per session and send: the first prompt, then each reminder by its number. */
export const promptRetryKey = (kind: PromptKind, r: Pick<DispatchRow, 'sessionId' | 'remindersSent'>) =>
  kind === 'prompt' ? `line:prompt:${r.sessionId}:0` : `line:reminder:${r.sessionId}:${r.remindersSent}`;

export interface DispatchRow {
  sessionId: string;
  personId: string;
  flowVersionId: string;
  round: string;
  localDate: string;
  remindersSent: number;
  lang: Lang;
  timeZone: string;
  userId: string | null;
  channelState: string | null;
  /** The addressee and their centre as a first prompt's context reads them (openingContextOf). */
  subject: ContextSubject;
}

/** A batch's sessions still to send, loaded and re-checked in one statement (loadDispatchRows). */
export interface DispatchBatch {
  /** Every session still to send, in id order (what the job marks after the send). */
  stillToSend: string[];
  /** Those of household members whose reporter is a contact linked on LINE: session id → the contact (sent to her, contact-dispatch.ts). */
  contacts: Map<string, ContactReporter>;
  /** The rest, with what sending them needs. */
  rows: DispatchRow[];
}

/**
 * The sessions with what sending needs: the addressee's language and their LINE user, if
 * linked, and what a first prompt's opening context reads of them and their centre. The addressee (`personId`) is the session's person — or, for a household
 * dependent, the household's reporter (a member's check is reminded in the reporter's
 * conversation, see carryReminderChain) — and a member whose reporter is a contact on LINE
 * is set apart with her.
 * The same statement re-checks the sessions (sessionsStillToSend's rules, stillToSendSql):
 * a round's send reads its 500 sessions and their persons once, not in a statement for the
 * re-check, one for the contacts and one for the rows (16.4 + 22.5 ms a batch in the
 * 1,544,000 round's profile); what it found gone or over is closed after (settleRecheck).
 */
export async function loadDispatchRows(deps: Pick<Deps, 'db' | 'now'>, sessionIds: readonly string[], kind: PromptKind): Promise<DispatchBatch> {
  const now = deps.now();
  const addressee = sql<string>`coalesce(${households.reporterPersonId}, ${checkSessions.personId})`;
  // The person joined is the addressee; the session's own person is read apart only for a household member with a reporter.
  const ownStatus = sql`case when ${households.reporterPersonId} is null then ${persons.status} else (select sp.status from persons sp where sp.id = ${checkSessions.personId}) end`;
  const rows = await deps.db
    .select({
      sessionId: checkSessions.id, personId: addressee, flowVersionId: checkSessions.flowVersionId, round: checkSessions.round,
      localDate: checkSessions.localDate, remindersSent: checkSessions.remindersSent, lang: persons.preferredLanguage, timeZone: jurisdictions.timeZone,
      userId: personChannels.address, channelState: personChannels.state,
      // (in the same statement: the first prompt's opening context needs no query of its own)
      p: contextColumns.p, centre: contextColumns.centre,
      household: contactReporterColumns,
      ...stillToSendSql(kind, now, ownStatus),
    })
    .from(checkSessions)
    .leftJoin(householdMembers, eq(householdMembers.personId, checkSessions.personId))
    .leftJoin(households, eq(households.id, householdMembers.householdId))
    .innerJoin(persons, eq(persons.id, addressee))
    .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
    .leftJoin(personChannels, and(eq(personChannels.personId, persons.id), eq(personChannels.kind, 'line')))
    // One array parameter (not a parameter an id): planned for its set each time (db/traced-sql.ts), probed by primary key.
    .where(and(sql`${checkSessions.id} = any(${uuidArray([...sessionIds])})`, OPEN_TO_SEND));
  const stillToSend = await settleRecheck(deps.db, rows.map((r) => ({ id: r.sessionId, wanted: r.wanted, gone: r.gone, over: r.over })), now);
  const wanted = new Set(stillToSend);
  const batch: DispatchBatch = { stillToSend, contacts: new Map(), rows: [] };
  for (const r of rows) {
    if (!wanted.has(r.sessionId)) continue;
    const contact = lineContactOf(r.household);
    if (contact) batch.contacts.set(r.sessionId, contact);
    else {
      const { sessionId, personId, flowVersionId, round, localDate, remindersSent, lang, timeZone, userId, channelState, p, centre } = r;
      batch.rows.push({ sessionId, personId, flowVersionId, round, localDate, remindersSent, lang: lang as Lang, timeZone, userId, channelState, subject: { p, centre } });
    }
  }
  return batch;
}

/**
 * A person we cannot reach on LINE (never linked, blocked us): the send is recorded as
 * failed and the health centre gets a channel_lost alert, so a nurse phones instead.
 */
export async function recordUnreachable(deps: Pick<Deps, 'db' | 'now'>, rows: DispatchRow[], kind: PromptKind, cause: 'not_linked' | 'send_failed') {
  const now = deps.now();
  for (const r of rows) {
    await deps.db.transaction(async (tx) => {
      await tx
        .insert(outboundMessages)
        .values({ channel: 'line', kind, retryKey: promptRetryKey(kind, r), personId: r.personId, sessionId: r.sessionId, status: 'failed', errorCode: cause, errorMessage: cause === 'not_linked' ? 'no verified LINE account' : 'LINE refused the message', attempts: 1, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({ target: outboundMessages.retryKey, set: { status: 'failed', errorCode: cause, updatedAt: now } });
      if (r.channelState && r.channelState !== 'unreachable') {
        await tx.update(personChannels).set({ state: 'unreachable', updatedAt: now }).where(and(eq(personChannels.personId, r.personId), eq(personChannels.kind, 'line')));
      }
      await raiseChannelLost({ tx, now }, r.personId, localDateOf(now, r.timeZone), cause);
    });
  }
}
