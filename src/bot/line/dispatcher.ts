import { createHash } from 'node:crypto';
import type { Deps } from '../../deps';
import { openingContextOf } from '../../domain/checks/flow-context';
import { loadFlowVersion } from '../../domain/flows/flow-versions';
import { recordLineMulticast, sentMulticastSessions, settleLineMulticast, settleLineMulticastSent } from '../../domain/outbox/outbound-messages';
import { memoOnReads, start, typedRedHint, type TypedRedHint } from '../../flows';
import { TransientSendError, type ChannelDispatcher } from '../dispatch';
import type { SendOptions } from '../../jobs/channel-work';
import { createLineApi, LineSendError } from './client';
import { loadDispatchRows, recordUnreachable, type DispatchRow } from '../../domain/channels/line-dispatch-rows';
import { sendReminders } from './reminders';
import { sendToLineContacts } from './contact-dispatch';
import { renderMessages } from './render';
import { lineRetryUuid } from './retry-key';
import { senderKeyOf } from './intake';

/** LINE multicasts take up to 500 recipients. */
export const LINE_BATCH_SIZE = 500;

/**
 * The first prompt of a round: one multicast per flow version, round, date and language
 * (the jobs send sessions of one round together; other mixes are grouped here), carrying
 * the flow's opening and first question with buttons that name the round and date — the
 * session is found from (person, date, round) when the answer comes back.
 */
async function sendFirstPrompts(deps: Deps, rows: DispatchRow[], opts: SendOptions): Promise<string[]> {
  const api = createLineApi(deps.env);
  const markedLater: string[] = [];
  const groups = new Map<string, DispatchRow[]>();
  for (const r of rows) {
    const key = `${r.flowVersionId}|${r.round}|${r.localDate}|${r.lang}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i += LINE_BATCH_SIZE) {
      for (const same of await samePromptGroups(deps, group.slice(i, i + LINE_BATCH_SIZE))) markedLater.push(...(await multicastBatch(deps, api, same, opts)));
    }
  }
  return markedLater;
}

/** Recipients asked the same first messages; `redHints` per session, where a typed answer to the first question can be red. */
type SamePrompt = { rows: DispatchRow[]; messages: ReturnType<typeof renderMessages>; redHints: Map<string, TypedRedHint> };

/**
 * The batch split by what each person is asked first. Usually one group: the opening is
 * the same for everyone on a flow version, round and language. But a flow may branch on
 * the person before its first question (an oximeter, an age), and then each gets their own.
 * Whether a typed answer to it is red can differ within a group (the same temperature
 * question is red at 38 ℃ only for a person with risk factors): per person, not a split.
 */
async function samePromptGroups(deps: Deps, batch: DispatchRow[]): Promise<SamePrompt[]> {
  const first = batch[0]!;
  const now = deps.now();
  const version = await loadFlowVersion(deps.db, first.flowVersionId);
  // Worked out once for all who agree on what the opening read (the batch shares version, round, date, language).
  const opening = memoOnReads((ctx) => {
    const sends = start(version, ctx).effects.flatMap((e) => (e.type === 'send' ? [e.message] : []));
    const messages = renderMessages(sends, { round: first.round, localDate: first.localDate }, first.lang);
    return { messages, key: JSON.stringify(messages), hint: typedRedHint(sends) };
  });
  const groups = new Map<string, SamePrompt>();
  for (const r of batch) {
    const { messages, key, hint } = opening(openingContextOf(r.subject, 'line', now, first.localDate));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { rows: [], messages, redHints: new Map() }));
    g.rows.push(r);
    if (hint) g.redHints.set(r.sessionId, hint);
  }
  return [...groups.values()];
}

/**
 * The recipients' typed-red hints (jobs/typed-red-hints.ts), so a typed red answer to the
 * round's first question takes the urgent lane as a later one does: the morning's first
 * answers are when the backlog is longest. A recipient without one keeps what it had (a
 * stale hint only hurries a text, which is judged again when processed).
 */
async function rememberRedHints(deps: Deps, rows: readonly DispatchRow[], hints: ReadonlyMap<string, TypedRedHint>): Promise<void> {
  if (hints.size === 0) return;
  const bySender = new Map<string, TypedRedHint>();
  for (const r of rows) {
    const hint = hints.get(r.sessionId);
    if (hint && r.userId) bySender.set(await senderKeyOf(r.userId), hint);
  }
  await deps.jobs.typedRedHints.remember(bySender);
}

/**
 * One multicast; returns the sessions the tick will mark prompted (markMulticastSessions):
 * those it sent and those an earlier run of the job sent; only the latter when it failed.
 */
async function multicastBatch(deps: Deps, api: ReturnType<typeof createLineApi>, { rows: batch, messages, redHints }: SamePrompt, opts: SendOptions): Promise<string[]> {
  const now = deps.now();
  // A retried job skips who already got it; the rest go out under a key derived from exactly them.
  // A first attempt cannot have sent any: the sessions of a 'sent' multicast are pending only
  // until the tick marks them, and the tick's sweeper never takes those up (claimPendingDispatch).
  const done = opts.firstAttempt ? new Set<string>() : await sentMulticastSessions(deps.db, batch.map((r) => r.sessionId));
  const earlier = [...done];
  // (uuids: code-unit order, which is localeCompare's order for them at a fraction of its cost)
  const todo = batch.filter((r) => !done.has(r.sessionId)).sort((a, b) => (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0));
  if (todo.length === 0) return earlier;
  const batchKey = `line:multicast:prompt:${createHash('sha256').update(todo.map((r) => r.sessionId).join(',')).digest('hex')}`;
  // One row for the whole multicast (line_multicasts), not one per person; the hints before the send, beside the row.
  const [rowId] = await Promise.all([
    recordLineMulticast(deps.db, todo.map((r) => ({ personId: r.personId, sessionId: r.sessionId })), batchKey, now),
    rememberRedHints(deps, todo, redHints),
  ]);
  try {
    const accepted = await api.multicast(todo.map((r) => r.userId!), messages, lineRetryUuid(batchKey));
    // Settled as sent: one row written. Its 500 sessions are marked by the tick, a minute or
    // more later (the job marks only the sessions not returned here).
    const sent = { providerMessageId: accepted.requestId, errorCode: accepted.duplicate ? 'duplicate_retry_key' : null, errorMessage: null };
    await settleLineMulticastSent(deps.db, rowId, sent, deps.now());
    return [...earlier, ...todo.map((r) => r.sessionId)];
  } catch (err) {
    const e = err instanceof LineSendError ? err : new LineSendError((err as Error).message, null, true);
    await settleLineMulticast(deps.db, rowId, { status: e.transient ? 'queued' : 'failed', errorCode: e.status === null ? 'network' : String(e.status), errorMessage: e.message.slice(0, 500) }, deps.now());
    deps.logger.warn({ recipients: todo.length, status: e.status, transient: e.transient }, 'LINE multicast failed');
    if (e.transient) throw new TransientSendError(e.message, e.retryAfterMs);
    return earlier;
  }
}

/** The LINE channel's dispatcher, registered in src/bot/dispatchers.ts. */
export const lineDispatcher: ChannelDispatcher = {
  channel: 'line',
  batchSize: LINE_BATCH_SIZE,
  rechecks: true,
  async sendPrompts(deps, sessionIds, kind, opts = {}) {
    if (sessionIds.length === 0) return { stillToSend: [] };
    const { stillToSend, contacts, rows } = await loadDispatchRows(deps, sessionIds, kind);
    // Members of a household whose reporter is a contact on LINE: to her, one conversation (contact-dispatch.ts).
    if (contacts.size) await sendToLineContacts(deps, contacts, kind);
    const reachable = rows.filter((r) => r.userId && r.channelState === 'verified');
    const unreachable = rows.filter((r) => !(r.userId && r.channelState === 'verified'));
    if (unreachable.length) await recordUnreachable(deps, unreachable, kind, 'not_linked');
    if (reachable.length === 0) return { stillToSend };
    if (kind === 'prompt') return { stillToSend, markedLater: await sendFirstPrompts(deps, reachable, opts) };
    await sendReminders(deps, reachable);
    return { stillToSend };
  },
};
