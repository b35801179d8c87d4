import type { Deps } from '../../deps';
import { beginSession } from '../../domain/checks/begin-session';
import { isSessionOpen, lockSession } from '../../domain/checks/session';
import { promptRetryKey } from '../../domain/channels/line-dispatch-rows';
import { systemActor, withTransaction, type Ctx } from '../../domain/context';
import { setContactOptOut } from '../../domain/households/household-contact';
import { contactMember, openContactMemberNames, rideAlongUnlessFirst, type ContactReporter } from '../../domain/households/household-contact-session';
import { outboundIdByRetryKey } from '../../domain/outbox/outbound-messages';
import { membersOpenLine, nextMemberIntro, typedRedHint, type TypedRedHint } from '../../flows';
import { senderKeyOf } from './intake';
import type { PromptKind } from '../dispatch';
import { currentPrompt } from './check-conversation';
import { lineApiFor } from './limited-api';
import { deliverOutbound, queueOutbound } from './outbox';
import { fitRequest, renderMessages, textMessages } from './render';
import { pick, T } from './texts';

/** The owner (claimant) name of the rows sent to household contacts: each keyed by session and send. */
export const CONTACT_OWNER = 'contact-dispatch';

/**
 * The sessions of household members whose reporter is a contact linked on LINE, sent to
 * her LINE — one push per session, never the round's multicast (she is no person, and her
 * buttons must name the member's session). A prompt goes out for the first open member
 * only (the others ride along, begun when the conversation reaches them), opened with
 * 「次は 花子さん（5歳）について伺います」; a reminder names the members still open and asks the
 * waiting question again. A push LINE refuses for good (she blocked the account) stops
 * sending to her as her unfollow does. (Which sessions are hers, loadDispatchRows finds
 * with the rest of the batch.)
 */
export async function sendToLineContacts(deps: Deps, contacts: ReadonlyMap<string, ContactReporter>, kind: PromptKind): Promise<void> {
  const ids: string[] = [];
  // Her hint for a typed red answer to the question a prompt opens (jobs/typed-red-hints.ts), as after any reply of ours.
  const hints = new Map<string, TypedRedHint | null>();
  for (const [sessionId, contact] of contacts) {
    const queued = await withTransaction(deps.db, { actor: systemActor('dispatch'), now: deps.now() }, (ctx) => queueForContact(ctx, contact, sessionId, kind));
    if (!queued) continue;
    ids.push(queued.id);
    if (queued.redHint !== undefined && contact.lineUserId) hints.set(await senderKeyOf(contact.lineUserId), queued.redHint);
  }
  if (ids.length === 0) return;
  await deps.jobs.typedRedHints.remember(hints);
  const result = await deliverOutbound(deps, lineApiFor(deps), ids, CONTACT_OWNER);
  for (const f of result.failed) {
    const householdId = f.status === 400 && f.sessionId ? contacts.get(f.sessionId)?.householdId : undefined;
    if (householdId) await setContactOptOut(deps.db, householdId, true, deps.now());
  }
  if (result.transient) throw result.transient;
}

/**
 * The row for one session and send (its retry key makes a retried job record nothing new), or
 * null when nothing is to go; with the typed-red hint of the question it opens, when it opens one.
 */
async function queueForContact(ctx: Ctx, contact: ContactReporter, sessionId: string, kind: PromptKind): Promise<{ id: string; redHint?: TypedRedHint | null } | null> {
  const session = await lockSession(ctx, sessionId);
  if (!session || !isSessionOpen(session, ctx.now)) return null;
  const retryKey = promptRetryKey(kind, { sessionId, remindersSent: session.remindersSent });
  const recorded = await outboundIdByRetryKey(ctx.tx, retryKey);
  if (recorded) return { id: recorded };
  if (kind === 'prompt' && (await rideAlongUnlessFirst(ctx, contact, sessionId))) return null;
  const lang = contact.lang;
  const member = await contactMember(ctx.tx, contact.householdId, session);
  const lead = kind === 'reminder' ? [pick(T.reminder, lang), membersOpenLine(await openContactMemberNames(ctx.tx, contact.householdId, ctx.now), lang, 'line')].filter(Boolean) : [];
  // Never begun (the first prompt, or a member the chain moved on to): the engine opens it now.
  const begun = session.state === null ? await beginSession({ ctx, input: { sessionId, channel: 'line' } }) : null;
  const question = begun ? renderMessages(begun.messages, { sessionId }, lang) : await currentPrompt(ctx, contact, session);
  if (question.length === 0) return null;
  const intro = member && (kind === 'prompt' || begun) ? [nextMemberIntro(member, lang, 'line')] : [];
  const messages = fitRequest([...textMessages([...lead, ...intro]), ...question]);
  const id = await queueOutbound(ctx.tx, { retryKey, kind, personId: session.personId, sessionId, body: { to: contact.lineUserId!, messages, owner: CONTACT_OWNER } }, ctx.now);
  return id ? { id, redHint: begun ? typedRedHint(begun.messages) : undefined } : null;
}
