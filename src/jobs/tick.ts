import { openDueFacilityRounds, raiseUnsubmittedFacilityRounds } from '../domain/facilities/facility-round-sweep';
import { enqueueFacilityRoundLinks } from './facility-round-link';
import { z } from 'zod';
import type { Deps } from '../deps';
import { claimDueActions } from '../domain/rounds/claim-due-actions';
import { claimPendingDispatch } from '../domain/rounds/claim-pending-dispatch';
import { claimUnsentPrompts } from '../domain/rounds/claim-unsent-prompts';
import { closeExpiredSessions } from '../domain/rounds/close-expired-sessions';
import { createDueSessions } from '../domain/rounds/create-due-sessions';
import { refreshAfterRounds, refreshSessionStatistics } from '../domain/rounds/session-statistics';
import { duePersonChunk, recomputeNextDue, type DueCursor } from '../domain/rounds/next-due';
import type { EndedPerson } from '../domain/rounds/close-monitoring';
import { endDueMonitoring, fillPlannedEnds } from '../domain/rounds/plan-monitoring-ends';
import { parseQuietHours } from '../domain/rounds/quiet-hours';
import { resumeDuePauses } from '../domain/pauses/resume-due-pauses';
import { enqueueRetentionSweep } from './retention';
import { defineJob, type JobDefinition, type JobTarget } from './define';
import { enqueueBatches, enqueueFollowUps, enqueueNonResponders, planDispatch } from './enqueue-dispatch';
import { TICK_JOB_NAME } from './tick-scheduler';
import { markSentMulticasts } from './multicast-marks';
import { sweepInbound } from './sweep-inbound';
import { refreshInboxStatistics } from '../domain/inbox/inbox-statistics';
import { enqueueClosingNotices } from './closing-notice';
import { raiseNotSentAlerts } from './not-sent-alerts';
import { INBOUND_JOB_TARGETS } from './inbound-jobs';
import { sweepLineOutbound } from './line-outbound-sweep';
import { runEscalations, type EscalationSummary } from '../domain/escalation/run-escalations';
import { lastTick } from '../platform/metrics/events';

const MINUTE = 60_000;
/** Persons due taken at a time: a national round is created and enqueued in chunks, so its first multicasts leave early. */
const DUE_CHUNK = 25_000;

export interface TickSummary {
  at: string;
  plannedEndsFilled: number;
  /** Sessions of LINE multicasts sent a minute or more ago, marked prompted now (multicast-marks.ts). */
  multicastSessionsMarked: number;
  monitoringEnded: number;
  closingNotices: number;
  /** Pauses whose resume date came (一時停止の終了): these persons are prompted again from now. */
  pausesResumed: number;
  /** Persons that were due (person_due.next_due_at) and got their next due time. */
  nextDueSet: number;
  expired: number;
  /** Checks closed never sent: an alert for the centre each (not for persons no longer monitored). */
  notSentAlerts: number;
  created: number;
  createdWaitingForQuietHours: number;
  dispatchJobs: number;
  resent: number;
  /** SMS/voice first prompts recorded but never sent (their job gave up): dispatched again. */
  unsentPromptsResent: number;
  reminders: number;
  calls: number;
  nonResponderAlerts: number;
  inboundSwept: number;
  /** LINE replies and reminders their job did not get out: sent again, or given up (with an alert). */
  lineOutboundResent: number;
  lineOutboundGaveUp: number;
  /** On-call paging of alerts nobody took (src/domain/escalation). */
  escalation: EscalationSummary;
  enqueueFailed: boolean;
  /** Milliseconds: the round's creation and enqueueing, the whole tick, and each step (for the idle-tick bench). */
  ms: { create: number; enqueue: number; total: number; steps: Record<string, number> };
}

export interface TickOptions {
  /** Jobs the inbound sweeper may enqueue (default the provider → job map, INBOUND_JOB_TARGETS). */
  jobs?: readonly JobTarget[];
  /** Most rows one step takes per tick (the round's creation is never limited). */
  stepLimit?: number;
}

/**
 * One tick of the clock, for the instant `now`. Everything that is due is found in
 * PostgreSQL with set-based statements, then handed to Redis with addBulk. Each step reads
 * only what is due through an index (persons by person_due.next_due_at, sessions by next_action_at or
 * expires_at, pauses by resume date, outbox and inbox by their unsent/unprocessed indexes),
 * so a tick with nothing to do costs a few index probes whatever the number of persons:
 *  0. the sessions of LINE multicasts sent a minute ago or more marked prompted (multicast-marks.ts);
 *  1. open sessions whose round is over closed as missed (late prompts are never sent); pauses
 *     whose resume date came ended (一時停止の終了);
 *  2. the persons due (person_due.next_due_at, next-due.ts), 25,000 at a time: planned ends filled
 *     from the rules, monitoring ended where the planned end passed, the rounds now due created
 *     (one session per person, local date and round; paused persons skipped), their dispatch
 *     enqueued (LINE multicast batches, one job per SMS/call), their next due time computed;
 *     after a round of ≥ 1,000 sessions the planner's statistics refreshed (session-statistics.ts);
 *  3. a 'not_sent' alert for each closed check that never reached a person still monitored;
 *     closing notices;
 *  4. pending sessions left behind (Redis was down, quiet hours over) enqueued again, and
 *     SMS/voice first prompts still queued after their job gave up (same job ids);
 *  5. the reminder chain: reminders, automated calls, non-responder alerts;
 *  6. the day's retention sweep enqueued (once a date, src/jobs/retention.ts); the inbox's
 *     statistics refreshed when a backlog built up that they do not show (inbox-statistics.ts);
 *     unprocessed inbound events enqueued again;
 *  7. LINE replies and reminders left unsent sent again, or given up with an alert;
 *  8. alerts nobody took escalated to the on-call rota (pages by call and SMS).
 * Safe to run twice or in two processes at once: nothing is created or sent twice.
 */
export async function runTick(deps: Deps, now: Date, opts: TickOptions = {}): Promise<TickSummary> {
  const started = performance.now();
  const env = deps.env;
  const quiet = parseQuietHours(env.QUIET_HOURS);
  const resweepMs = env.DISPATCH_RESWEEP_MINUTES * MINUTE;
  const limit = opts.stepLimit ?? 100_000;
  // Rounds due within ROUND_PREPARE_MINUTES are prepared now: sessions created, multicasts enqueued as delayed jobs.
  const dueBy = new Date(now.getTime() + env.ROUND_PREPARE_MINUTES * MINUTE);

  // `now` moved on by the clock's time since the tick began (a fixed test clock: `now` itself).
  const clockAtStart = deps.now().getTime();
  const sinceStart = () => new Date(now.getTime() + deps.now().getTime() - clockAtStart);
  const steps: Record<string, number> = {};
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await run();
    } finally {
      steps[name] = Math.round(((steps[name] ?? 0) + performance.now() - t) * 10) / 10; // summed over the chunks
    }
  };

  // The sessions LINE multicasts sent a minute or more ago marked prompted (not in the round's busiest minute).
  const multicastSessionsMarked = await step('markMulticasts', () => markSentMulticasts(deps, now));
  // Expired first: a day that ended unanswered is recorded as missed, not as cancelled by the end of monitoring.
  const expired = await step('expire', () => closeExpiredSessions(deps.db, { now, limit }));
  const pausesResumed = await step('pauses', () => resumeDuePauses(deps.db, { now, limit }));

  // The persons due (next-due.ts), a chunk at a time: planned ends filled, monitoring ended
  // where the planned end passed, the rounds now due created and their dispatch enqueued at
  // once (the first multicasts go out while the next chunk is created), then each person's
  // next due time. An idle tick is one probe of the index.
  let plannedEndsFilled = 0;
  let nextDueSet = 0;
  let created = 0;
  let createdWaiting = 0;
  let dispatchJobs = 0;
  let enqueueFailed = false;
  const ended: EndedPerson[] = [];
  let createMs = 0;
  let enqueueMs = 0;
  // A round makes the planner's picture of check_sessions wrong (session-statistics.ts).
  const statistics = refreshAfterRounds(() => step('statistics', () => refreshSessionStatistics(deps.db)));
  let cursor: DueCursor | undefined;
  for (;;) {
    const chunk = await step('duePersons', () => duePersonChunk(deps.db, dueBy, DUE_CHUNK, cursor));
    if (chunk.ids.length === 0) break;
    plannedEndsFilled += await step('fillPlannedEnds', () => fillPlannedEnds(deps.db, now, chunk.ids));
    ended.push(...(await step('endMonitoring', () => endDueMonitoring(deps.db, { now, limit, personIds: chunk.ids }))));
    const c0 = performance.now();
    const made = await step('create', () => createDueSessions(deps.db, { now, quiet, resweepMs, personIds: chunk.ids, prepareMs: dueBy.getTime() - now.getTime() }));
    const c1 = performance.now();
    const batches = planDispatch(made.filter((m) => m.dispatchNow), 'prompt');
    // A prepared batch waits until its round time counted from now, not from the tick's start:
    // the last chunks of a national round are enqueued minutes into the tick.
    enqueueFailed = !(await enqueueBatches(deps, batches, sinceStart())) || enqueueFailed;
    enqueueMs += performance.now() - c1;
    createMs += c1 - c0;
    created += made.length;
    await statistics.created(made.length);
    createdWaiting += made.filter((m) => !m.dispatchNow).length;
    dispatchJobs += batches.length;
    nextDueSet += await step('nextDue', () => recomputeNextDue(deps.db, now, chunk.ids, dueBy));
    if (!chunk.cursor || chunk.ids.length < DUE_CHUNK) break;
    cursor = chunk.cursor;
  }
  await statistics.done();

  // After the ends of monitoring: a person whose monitoring ended now is no longer followed up.
  const notSentAlerts = await step('notSent', () => raiseNotSentAlerts(deps, expired.filter((e) => e.neverSent).map((e) => e.id), now));
  const closingNotices = await step('closingNotices', () => enqueueClosingNotices(deps, now, limit));
  enqueueFailed = !(await enqueueNonResponders(deps, expired.filter((e) => e.needsNonResponderAlert).map((e) => e.id))) || enqueueFailed;

  // Facilities (施設一括報告): a round's page opens at its time; one facility alert for a round never submitted.
  await step('facilities', async () => {
    await raiseUnsubmittedFacilityRounds(deps.db, now);
    await openDueFacilityRounds(deps.db, now);
  });
  await step('facilityLinks', () => enqueueFacilityRoundLinks(deps, now)); // each opened round's link to the facility's contacts
  const t1 = performance.now();
  const resent = await step('pendingDispatch', () => claimPendingDispatch(deps.db, { now, quiet, resweepMs, limit }));
  const unsent = await step('unsentPrompts', () => claimUnsentPrompts(deps.db, { now, quiet, resweepMs, limit }));
  const batches = planDispatch([...resent, ...unsent].filter((s) => s.dispatchNow), 'prompt');
  enqueueFailed = !(await enqueueBatches(deps, batches)) || enqueueFailed;
  dispatchJobs += batches.length;
  enqueueMs += performance.now() - t1;

  const actions = await step('followUps', () => claimDueActions(deps.db, { now, quiet, leaseMs: resweepMs, limit, reminderAfterMs: env.REMINDER_AFTER_MINUTES * MINUTE, maxCalls: env.CALL_MAX_ATTEMPTS }));
  const followUps = await step('enqueueFollowUps', () => enqueueFollowUps(deps, actions));
  enqueueFailed = !followUps.ok || enqueueFailed;

  enqueueFailed = !(await step('retention', () => enqueueRetentionSweep(deps, now))) || enqueueFailed; // once a day (job id per date)
  const inbox = await step('inboxStatistics', () => refreshInboxStatistics(deps.db, now));
  if (inbox.analyzed) deps.logger.info({ backlog: inbox.backlog, estimated: inbox.estimated }, 'inbox statistics refreshed: the planner did not see the backlog');
  const inbound = await step('inbound', () => sweepInbound(deps, { now, olderThanMs: 30_000, limit: 5_000, jobs: opts.jobs ?? INBOUND_JOB_TARGETS }));
  const lineOutbound = await step('lineOutbound', () => sweepLineOutbound(deps, { now, limit: Math.min(limit, 5_000) }));
  enqueueFailed = lineOutbound.enqueueFailed || enqueueFailed;
  const escalation = await step('escalation', () => runEscalations(deps, now));
  const summary: TickSummary = {
    at: now.toISOString(),
    plannedEndsFilled,
    multicastSessionsMarked,
    monitoringEnded: ended.length,
    closingNotices,
    pausesResumed,
    nextDueSet,
    expired: expired.length,
    notSentAlerts,
    created,
    createdWaitingForQuietHours: createdWaiting,
    dispatchJobs,
    resent: resent.filter((r) => r.dispatchNow).length,
    unsentPromptsResent: unsent.length,
    reminders: followUps.reminders,
    calls: followUps.calls,
    nonResponderAlerts: followUps.alerts + expired.filter((e) => e.needsNonResponderAlert).length,
    inboundSwept: inbound.swept,
    lineOutboundResent: lineOutbound.resent,
    lineOutboundGaveUp: lineOutbound.gaveUp,
    escalation,
    enqueueFailed,
    ms: { create: Math.round(createMs), enqueue: Math.round(enqueueMs), total: Math.round(performance.now() - started), steps },
  };
  if (enqueueFailed) deps.logger.warn({ at: summary.at }, 'tick could not enqueue everything (Redis unreachable?); the next ticks sweep it up');
  deps.logger.info({ tick: { ...summary } }, 'tick');
  lastTick.set(Date.now() / 1000); // wall clock, for the no-tick alert
  return summary;
}

/** The scheduled tick (one job scheduler for the whole installation, see runner.ts). */
export const tickJob = defineJob({
  name: TICK_JOB_NAME,
  queue: 'scheduler',
  version: 1,
  payload: z.object({ at: z.iso.datetime().optional() }),
  handler: async ({ at }, deps) => runTick(deps, at ? new Date(at) : deps.now()),
});
