import { networkInterfaces } from 'node:os';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, jurisdictions, persons } from '../../db/schema';
import { withTransaction } from '../../src/domain/context';
import { acknowledgeAlert } from '../../src/domain/alerts/acknowledge-alert';
import { startMetricsServer } from '../../src/ops/metrics-server';
import { makeStaff } from '../admin/support';
import { staffActor } from '../support/fixtures';
import { freePort } from '../support/redis-instance';
import { buttonsOf, clock, linkedPatient, postbackEvent, say, setupLine, textEvent, textsOf, type LineTest } from '../bot/line/helpers';

/**
 * Issue 23: with METRICS_PORT set, /metrics (on its own port, loopback) moves during a check
 * with a red answer and its acknowledgement; every label is bounded and carries no personal data.
 */
let t: LineTest;
let port: number;
let close: () => void;
beforeAll(async () => {
  port = await freePort();
  t = await setupLine();
  (t.deps.env as { METRICS_PORT?: number }).METRICS_PORT = port;
  const server = await startMetricsServer(t.deps);
  close = () => server?.close();
});
afterAll(async () => {
  close?.();
  await t.close();
});

const scrape = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();

/** The value of one series (0 when absent). */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (want.every((w) => line.includes(w))) sum += Number(line.split(' ').at(-1));
  }
  return sum;
}

/** Every label value of a scrape, by metric. */
function labelValues(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)\{(.*)\} /.exec(line);
    if (!m) continue;
    for (const [, , v] of m[2]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      const set = out.get(m[1]!) ?? new Set<string>();
      set.add(v!);
      out.set(m[1]!, set);
    }
  }
  return out;
}

describe('/metrics on METRICS_PORT', () => {
  it('moves during a check with a red answer, and the red alert acknowledged', async () => {
    const before = await scrape();
    const { personId, user } = await linkedPatient(t);
    let last = await say(t, textEvent(user, '今すぐ報告'));
    for (let step = 0; step < 30 && !textsOf(last).includes('ご回答ありがとうございました'); step++) {
      const buttons = buttonsOf(last);
      if (buttons.length) {
        const q = new URLSearchParams(buttons[0]!.data).get('q');
        const want = q === 'breathless' ? 'true' : 'false';
        last = await say(t, postbackEvent(user, (buttons.find((b) => new URLSearchParams(b.data).get('v') === want) ?? buttons[0]!).data));
      } else last = await say(t, textEvent(user, textsOf(last).includes('体温') ? '37.8' : 'なし'));
    }
    const [alert] = await t.deps.db.select().from(alerts).where(eq(alerts.personId, personId));
    expect(alert!.severity).toBe('red');

    const during = await scrape();
    expect(value(during, 'mimamori_alerts_open', { severity: 'red', status: 'open' })).toBeGreaterThanOrEqual(1);
    expect(value(during, 'mimamori_red_alert_unacked_oldest_seconds')).toBeGreaterThanOrEqual(0);
    expect(value(during, 'mimamori_inbox_events_stored')).toBeGreaterThan(value(before, 'mimamori_inbox_events_stored'));
    expect(value(during, 'mimamori_inbox_backlog')).toBe(0);
    expect(value(during, 'mimamori_answer_processing_seconds_count', { provider: 'line' })).toBeGreaterThan(value(before, 'mimamori_answer_processing_seconds_count', { provider: 'line' }));
    expect(value(during, 'mimamori_provider_results_total', { provider: 'line', code: '2xx' })).toBeGreaterThan(value(before, 'mimamori_provider_results_total', { provider: 'line', code: '2xx' }));
    expect(value(during, 'mimamori_http_request_duration_seconds_count', { group: 'webhook_line', status_class: '2xx' })).toBeGreaterThan(value(before, 'mimamori_http_request_duration_seconds_count', { group: 'webhook_line', status_class: '2xx' }));
    expect(value(during, 'mimamori_round_sessions', { round: 'manual', state: 'answered' })).toBeGreaterThanOrEqual(1);
    expect(value(during, 'mimamori_queue_jobs', { queue: 'inbound', state: 'failed' })).toBe(0);
    expect(during).toMatch(/^mimamori_queue_jobs\{queue="dispatch-sms",state="waiting"\} \d+$/m);
    expect(during).toMatch(/^mimamori_nodejs_eventloop_lag_seconds \d/m);
    expect(during).toMatch(/^mimamori_db_connections\{state="\w+"\} \d+$/m);

    const [centre] = await t.deps.db.select().from(jurisdictions).where(eq(jurisdictions.code, t.centreCode));
    const nurse = await makeStaff(t.deps, { email: `nurse-${port}@example.jp`, role: 'nurse', jurisdictionCode: t.centreCode });
    clock.at = new Date(clock.at.getTime() + 120_000);
    await withTransaction(t.deps.db, { actor: Object.assign(staffActor('nurse', { jurisdictionId: centre!.id, jurisdictionPath: centre!.path }), { staffId: nurse }), now: clock.at }, (ctx) => acknowledgeAlert({ ctx, input: { alertId: alert!.id } }));
    const after = await scrape();
    expect(value(after, 'mimamori_alert_ack_seconds_count', { severity: 'red' })).toBe(value(during, 'mimamori_alert_ack_seconds_count', { severity: 'red' }) + 1);
    expect(value(after, 'mimamori_alert_ack_seconds_bucket', { severity: 'red', le: '60' })).toBe(value(during, 'mimamori_alert_ack_seconds_bucket', { severity: 'red', le: '60' }));
    expect(value(after, 'mimamori_alerts_open', { severity: 'red', status: 'acknowledged' })).toBeGreaterThanOrEqual(1);

    // No personal data in any label, and every label from a closed, small set.
    const [person] = await t.deps.db.select().from(persons).where(eq(persons.id, personId));
    const secrets = [personId, user, person!.caseNumber, person!.name, alert!.id, nurse];
    for (const [metric, values] of labelValues(after)) {
      expect(values.size, metric).toBeLessThanOrEqual(60);
      for (const v of values) {
        expect(v, metric).toMatch(/^[A-Za-z0-9_.:+\- ]{0,40}$/);
        for (const s of secrets) expect(v.includes(String(s)), `${metric}="${v}"`).toBe(false);
      }
    }
    for (const s of secrets) expect(after.includes(String(s))).toBe(false);
  });

  it("serves the operators' /readyz with the detail, and only on loopback", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ready',
      database: 'up',
      redis: 'up',
      queueBacklog: expect.objectContaining({ inbound: expect.any(Number), dispatch: expect.any(Number) }),
      inbox: { backlog: 0, oldestAgeSeconds: 0 },
      providers: { line: true, twilio: false },
    });
    // Bound to METRICS_HOST (127.0.0.1): not reachable on the machine's other addresses.
    const outside = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (outside) await expect(fetch(`http://${outside.address}:${port}/metrics`)).rejects.toThrow();
    // The public app's /readyz keeps its short answer.
    expect(await (await t.app.request('/readyz')).json()).not.toHaveProperty('queueBacklog');
  });
});
