import type { ChannelKind } from '../../db/schema';
import type { Deps } from '../deps';
import type { CreatedSession } from '../domain/rounds/create-due-sessions';
import type { DueAction } from '../domain/rounds/claim-due-actions';
import type { PromptKind } from '../domain/rounds/record-dispatch';
import { withJobIds } from './define';
import { DISPATCH_JOBS, type DispatchPayload } from './dispatch';
import { followUpCallJob, nonResponderJob } from './follow-ups';

/** One LINE multicast reaches at most 500 people (the LINE dispatcher's batchSize). */
const LINE_MULTICAST_MAX = 500;

type Sendable = Pick<CreatedSession, 'id' | 'channel' | 'flowVersionId' | 'round' | 'localDate' | 'lang' | 'dueAt'>;

export interface DispatchBatch {
  channel: ChannelKind;
  jobId: string;
  payload: DispatchPayload;
  /** Not sent before this (the latest round time of its sessions, when they were prepared ahead). */
  notBefore?: Date;
}

/**
 * Group sessions into dispatch jobs. LINE: one job per multicast of ≤ batchSize people
 * who get the very same message (same flow version, language, round, date and kind),
 * sessions sorted by id; other channels: one job per session. Job ids are derived from
 * what they send, so enqueueing the same sessions twice adds nothing.
 * `tag` tells reminders apart ("reminder1"), so each reminder has its own id.
 */
export function planDispatch(sessions: readonly Sendable[], kind: PromptKind, tag: string = kind): DispatchBatch[] {
  const batches: DispatchBatch[] = [];
  const lineGroups = new Map<string, string[]>();
  const dueAt = new Map<string, Date | undefined>(sessions.map((s) => [s.id, s.dueAt]));
  for (const s of [...sessions].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (s.channel === 'line') {
      const key = `${s.flowVersionId}|${s.lang}|${s.round}|${s.localDate}`;
      const ids = lineGroups.get(key) ?? [];
      ids.push(s.id);
      lineGroups.set(key, ids);
    } else {
      batches.push({ channel: s.channel, jobId: `dispatch:${s.channel}:${tag}:${s.id}`, payload: { sessionIds: [s.id], kind }, ...(s.dueAt ? { notBefore: s.dueAt } : {}) });
    }
  }
  for (const ids of lineGroups.values()) {
    for (let i = 0; i < ids.length; i += LINE_MULTICAST_MAX) {
      const chunk = ids.slice(i, i + LINE_MULTICAST_MAX);
      const notBefore = chunk.reduce<Date | undefined>((m, id) => { const d = dueAt.get(id); return d && (!m || d > m) ? d : m; }, undefined);
      batches.push({ channel: 'line', jobId: `dispatch:line:${tag}:${chunk[0]}:${chunk.at(-1)}:${chunk.length}`, payload: { sessionIds: chunk, kind }, ...(notBefore ? { notBefore } : {}) });
    }
  }
  return batches;
}

// addBulk in slices: one Redis round trip per slice, and no single giant MULTI.
const BULK_SLICE = 5_000;

/**
 * Enqueue the batches with addBulk, per channel queue. False when Redis refused some (the sweeper retries).
 * A batch prepared ahead (notBefore after `now`) is a delayed job: it waits in Redis until its round time.
 */
export async function enqueueBatches(deps: Deps, batches: readonly DispatchBatch[], now: Date = deps.now()): Promise<boolean> {
  let ok = true;
  for (const channel of ['line', 'sms', 'voice', 'web'] as const) {
    const mine = batches.filter((b) => b.channel === channel);
    for (let i = 0; i < mine.length; i += BULK_SLICE) {
      const slice = mine.slice(i, i + BULK_SLICE).map((b) => {
        const delay = b.notBefore ? b.notBefore.getTime() - now.getTime() : 0;
        return { payload: b.payload, jobId: b.jobId, ...(delay > 0 ? { options: { delay } } : {}) };
      });
      ok = (await deps.jobs.triggerBulk(DISPATCH_JOBS[channel], slice)) && ok;
    }
  }
  return ok;
}

/** Enqueue the reminder chain's next steps: reminders (batched like prompts), calls, alerts. */
export async function enqueueFollowUps(deps: Deps, actions: readonly DueAction[]): Promise<{ reminders: number; calls: number; alerts: number; ok: boolean }> {
  const now = actions.filter((a) => a.actNow);
  const reminders = now.filter((a) => a.action === 'remind');
  const calls = now.filter((a) => a.action === 'call');
  const alerts = now.filter((a) => a.action === 'alert');
  // All reminders of one tick are the first reminder (attempt 1); the tag keeps their ids apart from prompts.
  const reminderBatches = planDispatch(reminders.map((r) => ({ ...r, id: r.sessionId })), 'reminder', 'reminder1');
  let ok = await enqueueBatches(deps, reminderBatches);
  ok = (await deps.jobs.triggerBulk(followUpCallJob, withJobIds(followUpCallJob, calls.map((c) => ({ sessionId: c.sessionId, attempt: c.attempt }))))) && ok;
  ok = (await enqueueNonResponders(deps, alerts.map((a) => a.sessionId))) && ok;
  return { reminders: reminders.length, calls: calls.length, alerts: alerts.length, ok };
}

export async function enqueueNonResponders(deps: Deps, sessionIds: readonly string[]): Promise<boolean> {
  return deps.jobs.triggerBulk(nonResponderJob, withJobIds(nonResponderJob, sessionIds.map((id) => ({ sessionId: id }))));
}
