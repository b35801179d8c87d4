import { isJapanese } from '../../flows';
import type { Tx } from '../../domain/inbox/process-in-order';
import { MONITORED_STATUSES } from '../../domain/persons/monitored';
import { answerCheck } from '../../domain/checks/answer-check';
import { beginNextHouseholdMember, householdOpenSession } from '../../domain/households/household-session';
import { nextMemberIntro } from '../../flows';
import { beginNextContactMember, PHONE_CONTACT_CHANNELS, contactOpenSession, contactsOnAddress, type ContactReporter } from '../../domain/households/household-contact-session';
import type { Ctx } from '../../domain/context';
import type { Deps } from '../../deps';
import { generalContact } from '../../domain/channels/general-contact';
import { setContactLanguage, setContactOptOut } from '../../domain/households/household-contact';
import type { InboundEvent } from '../../domain/inbox/process-in-order';
import { ensureOutbound } from '../twilio/outbound';
import { markChannelVerified, optInChannel, optOutChannel, ownersOfNumber, type NumberOwner } from '../../domain/channels/channel-state';
import { parseSmsKeyword } from './keywords';
import { languageChosenText, languageListText, parseLanguageCommand } from '../language-command';
import { choosePatientLanguage } from '../../domain/persons/preferred-language';
import { handlePageReply } from './page-reply';
import { renderSms } from './render';
import { bilingual, smsText } from './texts';

/** What to send once the transaction has committed, beyond the recorded replies. */
export interface SmsFollowUp {
  /** A reply to a number nobody registered: sent once, recorded nowhere. */
  unregisteredReply?: string;
}

/**
 * One inbound SMS, inside the inbox transaction: control words (STOP/START/HELP and
 * 停止/再開/ヘルプ), the language command (「言語」 / LANGUAGE, src/bot/language-command.ts), otherwise an answer to the person's open check through the shared
 * answerCheck verb. Replies are recorded as outbound rows (retry key `sms:reply:<event>:<n>`)
 * and delivered after commit.
 */
export async function handleInboundSms(deps: Deps, tx: Tx, event: InboundEvent): Promise<SmsFollowUp> {
  const params = event.payload as Record<string, string>;
  // When the patient sent it (the webhook stored it), not when the job runs: see process-inbound (LINE).
  const now = event.receivedAt;
  const from = params.From ?? '';
  const body = params.Body ?? '';
  // An on-call person's 1 to a staff page comes first (src/domain/escalation).
  if (await handlePageReply(tx, event.id, from, body, now)) return {};
  const owners = await ownersOfNumber(tx, 'sms', from, now);
  if (owners.length === 0) {
    // A household's reporter who is not a person (a parent of monitored children): their answers are the members'.
    // A contact on voice or the web has a number too (her link comes by SMS): her STOP/START/HELP and 「言語」 count.
    const contacts = await contactsOnAddress(tx, PHONE_CONTACT_CHANNELS, from);
    if (contacts.length > 0) return contactMessage(deps, tx, event.id, contacts, body, now);
    return { unregisteredReply: await unregisteredReply(deps, tx) };
  }
  // A number shared by a household: whoever is still being monitored answers today's check.
  const owner = owners.find(monitored) ?? owners[0]!;
  const ctx: Ctx = { actor: { kind: 'patient', personId: owner.personId, channel: 'sms' }, tx, now };
  const replies: string[] = [];
  let sessionId: string | null = null;

  switch (parseSmsKeyword(body)) {
    case 'stop':
      // STOP is about the number: every person sharing it stops getting SMS.
      for (const o of owners) await optOutChannel({ ...ctx, actor: { kind: 'patient', personId: o.personId, channel: 'sms' } }, o.personId, 'sms');
      replies.push(smsText('optedOut', owner.lang));
      break;
    case 'start':
      for (const o of owners) await optInChannel(tx, o.personId, 'sms', now);
      replies.push(smsText('optedIn', owner.lang));
      break;
    case 'help':
      replies.push(smsText('help', owner.lang, { name: isJapanese(owner.lang) ? owner.centre.nameJa : owner.centre.nameEn, phone: owner.centre.phone ?? '' }));
      break;
    default: {
      // 「言語」 / LANGUAGE: the list, or the person's own choice (never inside an answer: the whole message only).
      const command = parseLanguageCommand(body);
      if (command) {
        if (command.kind === 'list') replies.push(languageListText(owner.lang));
        else {
          await choosePatientLanguage({ ctx, input: { personId: owner.personId, lang: command.lang } });
          replies.push(languageChosenText(command.lang));
        }
        break;
      }
      const answer = monitored(owner) ? await recordAnswer(ctx, owner, body) : { sessionId: null, replies: [notMonitoredText(owner)] };
      sessionId = answer.sessionId;
      // An opted-out number still has its answer recorded, but is sent nothing.
      if (owner.channelState !== 'opted_out') replies.push(...answer.replies);
    }
  }
  for (const [i, text] of replies.entries()) {
    await ensureOutbound(tx, { personId: owner.personId, sessionId, channel: 'sms', kind: 'reply', retryKey: `sms:reply:${event.id}:${i}`, body: { text } }, now);
  }
  return {};
}

const monitored = (o: NumberOwner) => (MONITORED_STATUSES as readonly string[]).includes(o.status);

/** Monitoring over (or in hospital): nothing to answer; their own centre's number. */
function notMonitoredText(owner: NumberOwner): string {
  const vars = { name: isJapanese(owner.lang) ? owner.centre.nameJa : owner.centre.nameEn, phone: owner.centre.phone ?? '' };
  return smsText(owner.status === 'monitoring_ended' ? 'monitoringEnded' : 'notMonitored', owner.lang, vars);
}

/** Whom an unknown number should contact (generalContact), in Japanese and, if it fits, English. */
async function unregisteredReply(deps: Deps, tx: Tx): Promise<string> {
  const c = await generalContact(tx, deps.env);
  return c ? bilingual('unknownNumber', { name: c.nameJa, phone: c.phone }) : bilingual('unknownNumberGeneric');
}

/**
 * The answer goes to the check the number is on now: the person's own, or — a household's
 * reporter — the member whose turn it is; when one member's check ends the next member's
 * begins in the same conversation (「次は 花子さん（5歳）について伺います」).
 */
async function recordAnswer(ctx: Ctx, owner: NumberOwner, body: string): Promise<{ sessionId: string | null; replies: string[] }> {
  const session = await householdOpenSession(ctx.tx, owner.personId, ctx.now);
  if (!session) return { sessionId: null, replies: [smsText('noOpenCheck', owner.lang)] };
  const outcome = await answerCheck({ ctx, input: { sessionId: session.id, input: { type: 'message', text: body }, channel: 'sms' } });
  if (outcome.closed) return { sessionId: session.id, replies: [smsText('checkClosed', owner.lang)] };
  await markChannelVerified(ctx.tx, owner.channelId, ctx.now);
  const replies = renderSms(outcome.messages);
  if (!outcome.completed) return { sessionId: session.id, replies };
  const next = await beginNextHouseholdMember(ctx, owner.personId, 'sms');
  if (!next || !next.begun) return { sessionId: next?.sessionId ?? session.id, replies };
  return { sessionId: next.sessionId, replies: [...replies, nextMemberIntro(next.member, owner.lang, 'sms'), ...renderSms(next.messages)] };
}

/**
 * An SMS from a household's reporter contact: STOP/START/HELP and 「言語」 as for a person
 * (the contact has no persons row, so the reply is sent once and recorded nowhere),
 * otherwise — a contact on SMS — an answer. A contact on voice or the web answers there;
 * anything else she texts gets the help text.
 */
async function contactMessage(deps: Deps, tx: Tx, eventId: string, contacts: ContactReporter[], body: string, now: Date): Promise<SmsFollowUp> {
  const contact = contacts[0]!;
  switch (parseSmsKeyword(body)) {
    // STOP is about the number: every household she reports for.
    case 'stop':
      for (const c of contacts) await setContactOptOut(tx, c.householdId, true, now);
      return { unregisteredReply: smsText('optedOut', contact.lang) };
    case 'start':
      for (const c of contacts) await setContactOptOut(tx, c.householdId, false, now);
      return { unregisteredReply: smsText('optedIn', contact.lang) };
    case 'help':
      return { unregisteredReply: await contactHelp(deps, tx, contact) };
    default: {
      // 「言語」 / LANGUAGE: the list, or her choice — about the number, so every household she reports for.
      const command = parseLanguageCommand(body);
      if (command?.kind === 'list') return { unregisteredReply: languageListText(contact.lang) };
      if (command?.kind === 'set') {
        await setContactLanguage(tx, contacts.map((c) => c.householdId), command.lang, now);
        return { unregisteredReply: languageChosenText(command.lang) };
      }
      const onSms = contacts.find((c) => c.channel === 'sms');
      if (onSms) return contactAnswer(tx, eventId, onSms, body, now);
      return { unregisteredReply: await contactHelp(deps, tx, contact) };
    }
  }
}

async function contactHelp(deps: Deps, tx: Tx, contact: ContactReporter): Promise<string> {
  const c = await generalContact(tx, deps.env);
  return smsText('help', contact.lang, { name: c ? (isJapanese(contact.lang) ? c.nameJa : c.nameEn) : '', phone: c?.phone ?? '' });
}

/**
 * An SMS from a household's reporter contact (not a person): the answer goes to the member
 * whose turn it is (contactOpenSession), recorded as the member's with
 * `answered_by_household_id`; when one member's check ends the next member's begins in the
 * same conversation. Replies are recorded against the member (the contact has no persons row).
 */
async function contactAnswer(tx: Tx, eventId: string, contact: ContactReporter, body: string, now: Date): Promise<SmsFollowUp> {
  const session = await contactOpenSession(tx, contact.householdId, now);
  if (!session) return { unregisteredReply: smsText('noOpenCheck', contact.lang) };
  const ctx: Ctx = { actor: { kind: 'patient', personId: session.personId, channel: 'sms' }, tx, now };
  const outcome = await answerCheck({ ctx, input: { sessionId: session.id, input: { type: 'message', text: body }, channel: 'sms', byContactOf: contact.householdId } });
  let replies: string[];
  let replySession = session;
  if (outcome.closed) replies = [smsText('checkClosed', contact.lang)];
  else {
    replies = renderSms(outcome.messages);
    const next = outcome.completed ? await beginNextContactMember(ctx, contact.householdId, 'sms') : null;
    if (next?.begun) {
      replies = [...replies, nextMemberIntro(next.member, contact.lang, 'sms'), ...renderSms(next.messages)];
      replySession = { ...session, id: next.sessionId, personId: next.member.personId };
    }
  }
  // An opted-out contact's answer is recorded, but they are sent nothing (as for a person's opted-out number).
  if (contact.optedOut) return {};
  for (const [i, text] of replies.entries()) {
    await ensureOutbound(tx, { personId: replySession.personId, sessionId: replySession.id, channel: 'sms', kind: 'reply', retryKey: `sms:reply:${eventId}:${i}`, body: { text } }, now);
  }
  return {};
}
