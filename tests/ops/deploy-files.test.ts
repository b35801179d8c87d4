import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { Histogram } from 'prom-client';
import { parse } from 'yaml';
import type { Deps } from '../../src/deps';
import { createScrapeRegistry } from '../../src/ops/scrape-metrics';
import { eventRegistry } from '../../src/platform/metrics/events';

/**
 * deploy/: the Prometheus rules and the Grafana dashboard name only metrics the app exports
 * (a renamed metric would silently turn an alert off), and the rules the issue asks for exist.
 */
const exported = new Set<string>();
for (const m of [...eventRegistry.getMetricsAsArray(), ...createScrapeRegistry({} as Deps).registry.getMetricsAsArray()]) {
  const { name } = m as unknown as { name: string };
  exported.add(name);
  if (m instanceof Histogram) for (const suffix of ['_bucket', '_count', '_sum']) exported.add(name + suffix);
}
const metricsIn = (expr: string) => [...new Set(expr.match(/\bmimamori_[a-z0-9_]+/g) ?? [])];

it('knows the exported names, histogram series included', () => {
  expect(exported).toContain('mimamori_alert_ack_seconds_bucket');
  expect(exported).toContain('mimamori_queue_jobs');
  expect(exported).toContain('mimamori_nodejs_eventloop_lag_seconds');
  expect(exported).not.toContain('mimamori_no_such_metric');
});

interface Rule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

describe('deploy/prometheus/mimamori-alerts.yml', () => {
  it('has the rules operators need, each naming exported metrics', async () => {
    const doc = parse(await readFile('deploy/prometheus/mimamori-alerts.yml', 'utf8')) as { groups: { rules: Rule[] }[] };
    const rules = doc.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert).sort()).toEqual(['MimamoriFailedJobs', 'MimamoriInboxBacklog', 'MimamoriLineRateLimited', 'MimamoriLinkCodeGuessing', 'MimamoriNoTick', 'MimamoriRedAlertUnacknowledged', 'MimamoriTwilioFailures', 'MimamoriWebhook5xx']);
    for (const rule of rules) {
      const names = metricsIn(rule.expr);
      expect(names.length, rule.alert).toBeGreaterThan(0);
      for (const name of names) expect(exported.has(name), `${rule.alert}: ${name}`).toBe(true);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(['page', 'ticket']).toContain(rule.labels?.severity);
    }
    const byName = Object.fromEntries(rules.map((r) => [r.alert, r.expr]));
    expect(byName.MimamoriInboxBacklog).toContain('> 120');
    expect(byName.MimamoriRedAlertUnacknowledged).toContain('> 900');
    expect(byName.MimamoriNoTick).toContain('> 300');
  });
});

describe('deploy/grafana/mimamori-dashboard.json', () => {
  it('has the morning round and triage rows, every panel query naming exported metrics', async () => {
    const dash = JSON.parse(await readFile('deploy/grafana/mimamori-dashboard.json', 'utf8')) as { panels: { type: string; title: string; targets?: { expr: string }[] }[] };
    expect(dash.panels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual(expect.arrayContaining([expect.stringContaining('Morning round'), expect.stringContaining('Triage')]));
    const queries = dash.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr })));
    expect(queries.length).toBeGreaterThan(10);
    for (const q of queries) for (const name of metricsIn(q.expr)) expect(exported.has(name), `${q.title}: ${name}`).toBe(true);
  });
});
