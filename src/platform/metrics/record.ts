import { alertAckLatency, alertNoticeLatency, answerLatency, callMinutes, callsPlaced, inboxBacklogGauge, inboxOldestAgeGauge, linkCodeRefusals, providerResults, smsSegments, webhooksAdmittedUrgent, webhooksShed, yieldsToAnswers } from './events';
import { lineCode, twilioCode } from './labels';

/**
 * One-line calls for hot code (channel code, verbs): each records one fact with bounded
 * labels. Kept here so channel code needs no prom-client knowledge.
 */
const PROVIDERS = new Set(['line', 'twilio_sms', 'twilio_status', 'twilio_voice']);
const severityLabel = (severity: string) => (['red', 'amber', 'info'].includes(severity) ? severity : 'other');
const secondsSince = (from: Date, now: Date) => Math.max(0, (now.getTime() - from.getTime()) / 1000);

/** A webhook event stored at `receivedAt` has had its answer recorded at `now`. */
export function observeAnswer(provider: string, receivedAt: Date, now: Date): void {
  answerLatency.observe({ provider: PROVIDERS.has(provider) ? provider : 'other' }, secondsSince(receivedAt, now));
}

/** A new alert's notice reached the consoles of this process at `now`; its cause was recorded at `at`. */
export function observeAlertNotice(severity: string, at: Date, now: Date): void {
  alertNoticeLatency.observe({ severity: severityLabel(severity) }, secondsSince(at, now));
}

export function observeAlertAck(severity: string, raisedAt: Date, now: Date): void {
  alertAckLatency.observe({ severity: severityLabel(severity) }, secondsSince(raisedAt, now));
}

/** A LINE API answer: its HTTP status (null: the network failed). */
export function countLineResult(status: number | null): void {
  providerResults.inc({ provider: 'line', code: status === null ? 'network' : lineCode(status) });
}

/** A Twilio REST result: 'ok' when accepted, else its error code. */
export function countTwilioResult(code: string | number | undefined): void {
  providerResults.inc({ provider: 'twilio', code: twilioCode(code) });
}

export function countSmsSegments(segments: number): void {
  smsSegments.inc(segments);
}

/** A call's final status callback; completed calls add their minutes (CallDuration in seconds). */
export function countCallOutcome(status: string | undefined, durationSeconds: string | undefined): void {
  if (!status || !['completed', 'no-answer', 'busy', 'failed', 'canceled'].includes(status)) return;
  callsPlaced.inc({ status });
  const seconds = Number(durationSeconds);
  if (status === 'completed' && Number.isFinite(seconds) && seconds > 0) callMinutes.inc(seconds / 60);
}

/** A link-code try refused by the global limit of wrong codes (issue 19: guessing across LINE accounts). */
export function countLinkCodeFlood(): void {
  linkCodeRefusals.inc();
}

/** A webhook answered 503 (overload): the provider delivers it again later. */
export function countShedWebhook(provider: 'line'): void {
  webhooksShed.inc({ provider });
}

/** A webhook stored past the backlog limit because it carried a red answer (the urgent lane). */
export function countUrgentAdmitted(provider: 'line'): void {
  webhooksAdmittedUrgent.inc({ provider });
}

/** The intake's cached reading of the inbox backlog. */
export function recordInboxBacklog(backlog: number, oldestAgeSeconds: number): void {
  inboxBacklogGauge.set(backlog);
  inboxOldestAgeGauge.set(oldestAgeSeconds);
}

/** A dispatch or bulk job went back to its queue so that waiting answers go first (src/jobs/answers-first.ts). */
export function countYieldToAnswers(queue: string): void {
  yieldsToAnswers.inc({ queue });
}
