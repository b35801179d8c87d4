import { Gauge, Registry } from 'prom-client';
import type { Deps } from '../deps';
import { readOperationsSnapshot, type OperationsSnapshot } from '../domain/operations/read-operations';
import { QUEUE_NAMES } from '../jobs/define';
import { eventRegistry } from '../platform/metrics/events';
import { roundLabel } from '../platform/metrics/labels';

/**
 * Gauges computed when Prometheus scrapes: counts read from PostgreSQL (inbox, alerts,
 * rounds, connections) and BullMQ (jobs per queue and state). One snapshot per scrape, shared
 * by every gauge; nothing is counted in channel code for these.
 */
const JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

export function createScrapeRegistry(deps: Deps): { registry: Registry; scrape: () => Promise<string> } {
  const registry = new Registry();
  let snapshot: Promise<OperationsSnapshot> | null = null;
  let jobCounts: Promise<{ queue: string; state: string; count: number }[]> | null = null;
  const current = () => (snapshot ??= readOperationsSnapshot(deps.db, deps.now()));
  const queues = () =>
    (jobCounts ??= Promise.all(
      QUEUE_NAMES.map(async (queue) => {
        const counts = await deps.jobs.queue(queue).getJobCounts(...JOB_STATES);
        return JOB_STATES.map((state) => ({ queue, state, count: counts[state] ?? 0 }));
      }),
    )
      .then((rows) => rows.flat())
      .catch(() => [])); // Redis down: no queue gauges (readyz says why), the rest still scrapes

  const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge) => Promise<void>) =>
    new Gauge({ name, help, labelNames, registers: [registry], async collect() { this.reset(); await collect(this); } });

  gauge('mimamori_inbox_events_stored', 'Webhook events ever stored (inbound_events)', [], async (g) => g.set((await current()).inbox.stored));
  gauge('mimamori_inbox_events_processed', 'Webhook events processed', [], async (g) => {
    const { inbox } = await current();
    g.set(inbox.stored - inbox.backlog);
  });
  gauge('mimamori_inbox_backlog', 'Webhook events stored and not processed yet', [], async (g) => g.set((await current()).inbox.backlog));
  gauge('mimamori_inbox_oldest_age_seconds', 'Age of the oldest unprocessed webhook event (0: none)', [], async (g) => g.set((await current()).inbox.oldestAgeSeconds));
  gauge('mimamori_alerts_open', 'Alerts not resolved, by severity and status (open, acknowledged)', ['severity', 'status'], async (g) => {
    for (const a of (await current()).alerts) g.set({ severity: a.severity, status: a.status }, a.count);
  });
  gauge('mimamori_red_alert_unacked_oldest_seconds', 'How long the oldest unacknowledged red alert has waited (0: none)', [], async (g) => g.set((await current()).oldestUnackedRedSeconds));
  gauge('mimamori_round_sessions', "Today's (Japan) check sessions per round: due, sent, answered, non_responders", ['round', 'state'], async (g) => {
    const sums = new Map<string, { due: number; sent: number; answered: number; non_responders: number }>();
    for (const r of (await current()).rounds) {
      const key = roundLabel(r.round);
      const s = sums.get(key) ?? { due: 0, sent: 0, answered: 0, non_responders: 0 };
      s.due += r.due;
      s.sent += r.sent;
      s.answered += r.answered;
      s.non_responders += r.nonResponders;
      sums.set(key, s);
    }
    for (const [round, s] of sums) for (const [state, n] of Object.entries(s)) g.set({ round, state }, n);
  });
  gauge('mimamori_db_connections', "Connections to this database (pg_stat_activity), by state", ['state'], async (g) => {
    for (const c of (await current()).dbConnections) g.set({ state: c.state.replace(/[^a-z ]/g, '').replace(/ /g, '_').slice(0, 32) }, c.count);
  });
  gauge('mimamori_queue_jobs', 'BullMQ jobs per queue and state (waiting, active, delayed, failed)', ['queue', 'state'], async (g) => {
    for (const q of await queues()) g.set({ queue: q.queue, state: q.state }, q.count);
  });

  return {
    registry,
    async scrape() {
      snapshot = null;
      jobCounts = null;
      return Registry.merge([eventRegistry, registry]).metrics();
    },
  };
}
