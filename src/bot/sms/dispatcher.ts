import { anyOutboundWithPrefix, queuedWithPrefix } from '../../domain/outbox/outbound-messages';
import { preferredLanguage } from '../../domain/persons/preferred-language';
import { beginSession } from '../../domain/checks/begin-session';
import { systemActor, withTransaction, type Ctx } from '../../domain/context';
import { cancelOptedOutSession, deferSession } from '../../domain/rounds/record-dispatch';
import type { Deps } from '../../deps';
import { currentPrompt } from '../../domain/checks/current-prompt';
import { isSessionOpen, lockSession } from '../../domain/checks/session';
import type { OutMessage } from '../../flows';
import type { ChannelDispatcher, PromptKind, TransientSendError } from '../dispatch';
import { deliverSms, ensureOutbound, type OutboundRow } from '../twilio/outbound';
import { quietHoursDeferral } from '../twilio/quiet-hours';
import { channelOf, type SessionRow } from '../../domain/channels/place-call';
import { sendOrRecord } from '../voice/retry';
import { renderSms } from './render';
import { smsText } from './texts';
import { openMemberNames } from '../../domain/households/household-session';
import { addresseeOf } from '../../domain/households/household-members';
import { membersOpenLine, nextMemberIntro } from '../../flows';
import { contactMember, contactReporterOf, openContactMemberNames, rideAlongUnlessFirst, type ContactReporter } from '../../domain/households/household-contact-session';

type Plan = { rows: OutboundRow[]; to: string } | { deferred: TransientSendError & { until: Date } } | null;

/**
 * The SMS dispatcher: the first prompt begins the session with the engine (beginSession)
 * and sends its opening as one or two short SMS (retry keys `sms:prompt:<session>:1:<n>`);
 * a reminder asks the waiting question again, whole, marked 【再送】 (`sms:reminder:<session>:<r>:<n>`).
 * Rows are written in the session's lock and sent after commit; a retried job sends only
 * what is still queued. Nothing goes out in quiet hours (the job is told to come back when
 * they end); a round for a number that opted out (STOP) is cancelled instead of prompted.
 */
export const smsDispatcher: ChannelDispatcher = {
  channel: 'sms',
  batchSize: 1,
  async sendPrompts(deps: Deps, sessionIds: string[], kind: PromptKind): Promise<void> {
    for (const sessionId of sessionIds) {
      const plan = await withTransaction<Plan>(deps.db, { actor: systemActor('dispatch'), now: deps.now() }, async (ctx) => {
        const session = await lockSession(ctx, sessionId);
        if (!session || !isSessionOpen(session, ctx.now)) return null;
        // A household whose reporter is a contact (not a person): one conversation at the contact's number,
        // carried by the first open member's check; the others ride along (begun when the conversation reaches them).
        const contact = await contactReporterOf(ctx.tx, session.personId);
        if (contact && kind === 'prompt' && (await rideAlongUnlessFirst(ctx, contact, session.id))) return null;
        // A household dependent's check is reminded at the reporter's number (carryReminderChain); a contact's is her phone.
        const channel = contact ? (contact.phone ? { address: contact.phone, state: 'verified' } : null) : await channelOf(ctx, await addresseeOf(ctx.tx, session.personId), 'sms');
        if (channel?.state === 'opted_out') {
          // Never prompted: the session is cancelled. Prompted before STOP: it stays open for a
          // late answer, but the reminder chain has left it (claimDueActions).
          if (kind === 'prompt') await cancelOptedOutSession(ctx.tx, session.id, ctx.now);
          return null;
        }
        if (!channel || channel.state === 'unreachable') return null; // the centre already has a channel_lost alert
        const deferred = quietHoursDeferral(ctx.now, session.timeZone, session.quietHours ?? deps.env.QUIET_HOURS, 'SMS');
        if (deferred) return { deferred };
        const rows = kind === 'prompt' ? await promptRows(ctx, session, contact) : await reminderRows(ctx, session, contact);
        return { rows, to: channel.address };
      });
      if (!plan) {
        deps.logger.info({ sessionId, kind }, 'SMS prompt not sent: the check is over or the number may not be used');
        continue;
      }
      if ('deferred' in plan) {
        await deferSession(deps.db, sessionId, plan.deferred.until, deps.now());
        throw plan.deferred;
      }
      for (const row of plan.rows) await sendOrRecord(deps, row, () => deliverSms(deps, row, plan.to), 'sms');
    }
  },
};

async function promptRows(ctx: Ctx, session: SessionRow, contact: ContactReporter | null = null): Promise<OutboundRow[]> {
  const begun = await beginSession({ ctx, input: { sessionId: session.id, channel: 'sms' } });
  // To a contact: the prompt names the member it is about (「花子さん（5歳）について伺います」).
  const member = contact && begun.messages.length ? await contactMember(ctx.tx, contact.householdId, session) : null;
  const intro = member && contact ? [nextMemberIntro(member, contact.lang, 'sms')] : [];
  for (const [i, text] of [...intro, ...renderSms(begun.messages)].entries()) {
    await ensureOutbound(ctx.tx, { personId: session.personId, sessionId: session.id, channel: 'sms', kind: 'prompt', retryKey: `sms:prompt:${session.id}:1:${i}`, body: { text } }, ctx.now);
  }
  // A retried job: whatever of the first prompt is still queued.
  return queuedRows(ctx, `sms:prompt:${session.id}:1:`);
}

/**
 * Reminder number r (reminders_sent + 1): the question the session waits on, rebuilt by
 * the engine and rendered like any prompt — a question split over two SMS (the numbered
 * urgent-symptoms list) is sent whole again, each body within two segments with the
 * 【再送】 mark counted in. A retried job sends what is still queued of the same reminder.
 */
async function reminderRows(ctx: Ctx, session: SessionRow, contact: ContactReporter | null = null): Promise<OutboundRow[]> {
  const addressee = contact ? null : await addresseeOf(ctx.tx, session.personId);
  // Never prompted: the reminder is the first prompt — except a household member's check
  // carrying the reporter's chain, whose reminder names the open members before its opening.
  if (session.state === null && addressee === session.personId) return promptRows(ctx, session);
  const prefix = `sms:reminder:${session.id}:${session.remindersSent + 1}:`;
  if (!(await anyOutboundWithPrefix(ctx.tx, prefix))) {
    for (const [i, text] of (await reminderBodies(ctx, session, addressee, contact)).entries()) {
      await ensureOutbound(ctx.tx, { personId: session.personId, sessionId: session.id, channel: 'sms', kind: 'reminder', retryKey: `${prefix}${i}`, body: { text } }, ctx.now);
    }
  }
  return queuedRows(ctx, prefix);
}

async function reminderBodies(ctx: Ctx, session: SessionRow, addressee: string | null, contact: ContactReporter | null): Promise<string[]> {
  const questions = session.state === null ? (await beginSession({ ctx, input: { sessionId: session.id, channel: 'sms' } })).messages : (await currentPrompt(ctx.tx, session.id, 'sms', ctx.now)).slice(-1);
  if (!questions.length) return [];
  const lang = contact ? contact.lang : await preferredLanguage(ctx.tx, addressee!);
  const mark: OutMessage = { kind: 'info', text: smsText('reminder', lang) };
  // A household's reporter (a person or a contact): the members whose check is still open, named (and only those).
  const names = contact ? await openContactMemberNames(ctx.tx, contact.householdId, ctx.now) : await openMemberNames(ctx.tx, addressee!, ctx.now);
  const members = membersOpenLine(names, lang, 'sms');
  return renderSms([mark, ...(members ? [{ kind: 'info', text: members } as OutMessage] : []), ...questions]);
}

function queuedRows(ctx: Ctx, retryKeyPrefix: string): Promise<OutboundRow[]> {
  return queuedWithPrefix(ctx.tx, retryKeyPrefix);
}
