import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Metrics counted where things happen (one-line calls in hot code). Read at scrape time by
 * the metrics port (src/ops). Labels are closed sets — route groups, providers, status
 * classes, severities, queue names — never a person, phone, LINE user or case number
 * (tests/ops/metrics.test.ts checks every label value of a scrape).
 * One registry per process: the counters must be reachable from code that has no deps.
 */
export const eventRegistry = new Registry();
collectDefaultMetrics({ register: eventRegistry, prefix: 'mimamori_', eventLoopMonitoringPrecision: 20 });

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const httpDuration = new Histogram({
  name: 'mimamori_http_request_duration_seconds',
  help: 'HTTP request latency by route group (webhook_line, webhook_sms, webhook_twilio_status, webhook_voice, console, api, web_check, health, other)',
  labelNames: ['group', 'method', 'status_class'] as const,
  buckets: SECONDS,
  registers: [eventRegistry],
});

export const answerLatency = new Histogram({
  name: 'mimamori_answer_processing_seconds',
  help: 'From a webhook event stored (inbound_events.received_at) to its answer recorded',
  labelNames: ['provider'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
  registers: [eventRegistry],
});

export const alertNoticeLatency = new Histogram({
  name: 'mimamori_alert_to_console_seconds',
  help: 'From the cause of a new alert (the answer stored by the intake) to its notice fanned out to the open consoles of this process (once a notice, only where consoles listen), by severity',
  labelNames: ['severity'] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
  registers: [eventRegistry],
});

export const alertAckLatency = new Histogram({
  name: 'mimamori_alert_ack_seconds',
  help: 'From an alert raised to its first acknowledgement, by severity',
  labelNames: ['severity'] as const,
  buckets: [30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400],
  registers: [eventRegistry],
});

export const escalations = new Counter({
  name: 'mimamori_escalations_total',
  help: 'Alerts escalated (to a higher severity or another level), by the severity escalated to',
  labelNames: ['severity'] as const,
  registers: [eventRegistry],
});

export const providerResults = new Counter({
  name: 'mimamori_provider_results_total',
  help: 'Provider API results: LINE by HTTP status class or code (2xx, 400, 409, 429, 5xx), Twilio by error code (ok when accepted)',
  labelNames: ['provider', 'code'] as const,
  registers: [eventRegistry],
});

export const smsSegments = new Counter({ name: 'mimamori_sms_segments_total', help: 'SMS segments handed to Twilio', registers: [eventRegistry] });

export const callsPlaced = new Counter({ name: 'mimamori_calls_total', help: 'Voice calls placed, by final Twilio status (completed, no-answer, busy, failed, canceled)', labelNames: ['status'] as const, registers: [eventRegistry] });

export const callMinutes = new Counter({ name: 'mimamori_call_minutes_total', help: 'Minutes of completed voice calls (Twilio CallDuration)', registers: [eventRegistry] });

export const linkCodeRefusals = new Counter({ name: 'mimamori_link_code_refusals_total', help: 'LINE link-code tries refused because the global hourly limit of wrong codes was reached (someone is guessing codes)', registers: [eventRegistry] });

export const lastTick = new Gauge({ name: 'mimamori_last_tick_timestamp_seconds', help: 'When this process last finished a tick (rounds, reminders, sweeps); max over instances', registers: [eventRegistry] });

export const webhooksShed = new Counter({
  name: 'mimamori_webhooks_shed_total',
  help: 'Webhook requests answered 503 with Retry-After because the inbox backlog passed INBOX_BACKLOG_LIMIT (LINE delivers them again), by provider',
  labelNames: ['provider'] as const,
  registers: [eventRegistry],
});

export const webhooksAdmittedUrgent = new Counter({
  name: 'mimamori_webhooks_admitted_urgent_total',
  help: 'Webhook requests stored while the inbox backlog was past INBOX_BACKLOG_LIMIT because they carried a tapped answer marked red (the urgent lane is never shed), by provider',
  labelNames: ['provider'] as const,
  registers: [eventRegistry],
});

export const yieldsToAnswers = new Counter({
  name: 'mimamori_jobs_yielded_to_answers_total',
  help: 'Dispatch and bulk jobs sent back to their queue for a moment because answers were waiting longer than ANSWERS_FIRST_AFTER_MS (answers first), by queue',
  labelNames: ['queue'] as const,
  registers: [eventRegistry],
});

export const inboxBacklogGauge = new Gauge({
  name: 'mimamori_inbox_backlog_cached',
  help: 'Unprocessed inbox rows as the intake last read them (refreshed about once a second)',
  registers: [eventRegistry],
});

export const inboxOldestAgeGauge = new Gauge({
  name: 'mimamori_inbox_oldest_age_cached_seconds',
  help: 'Age of the oldest unprocessed inbox row as the intake last read it',
  registers: [eventRegistry],
});
