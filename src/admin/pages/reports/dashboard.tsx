import { CLASSIFICATIONS, PERSON_STATUSES } from '../../../../db/schema';
import { classificationLabel, statusLabel } from '../../../domain/reports/labels';
import type { InboxBacklog } from '../../../domain/operations/inbox-backlog';
import type { Stats } from '../../../domain/reports/stats';
import { t, type Lang } from '../../ui/i18n';

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`);

/** Chart data for reports.js (uPlot): x = local dates, one series per line; the table below holds the same numbers. */
export function chartData(stats: Stats, lang: Lang) {
  const alerts = {
    x: stats.alertsPerDay.map((d) => d.date),
    series: [
      { label: t(lang, 'reports.red'), color: '#c62828', values: stats.alertsPerDay.map((d) => d.red) },
      { label: t(lang, 'reports.amber'), color: '#ef8f00', values: stats.alertsPerDay.map((d) => d.amber) },
    ],
  };
  const dates = [...new Set(stats.checksPerRound.map((r) => r.date))].sort();
  const rounds = [...new Set(stats.checksPerRound.map((r) => r.round))].sort();
  const share = {
    x: dates,
    percent: true,
    series: rounds.map((round, i) => ({
      label: round === 'manual' ? t(lang, 'reports.round.manual') : round,
      color: ['#1565c0', '#6a1b9a', '#2e7d32', '#795548'][i % 4],
      values: dates.map((d) => stats.checksPerRound.find((r) => r.date === d && r.round === round)?.share ?? null),
    })),
  };
  return { alerts, share };
}

function ByStatus(props: { stats: Stats; lang: Lang }) {
  const { stats, lang } = props;
  const count = (s: string, c: string) => stats.personsByStatus.find((r) => r.status === s && r.classification === c)?.count ?? 0;
  const statuses = PERSON_STATUSES.filter((s) => CLASSIFICATIONS.some((c) => count(s, c) > 0));
  return (
    <table id="by-status">
      <thead>
        <tr><th>{t(lang, 'reports.status')}</th>{CLASSIFICATIONS.map((c) => <th class="num">{classificationLabel(c, lang)}</th>)}<th class="num">{t(lang, 'reports.total')}</th></tr>
      </thead>
      <tbody>
        {statuses.map((s) => (
          <tr data-status={s}>
            <th>{statusLabel(s, lang)}</th>
            {CLASSIFICATIONS.map((c) => <td class="num">{count(s, c)}</td>)}
            <td class="num">{CLASSIFICATIONS.reduce((n, c) => n + count(s, c), 0)}</td>
          </tr>
        ))}
        <tr><th>{t(lang, 'reports.total')}</th>{CLASSIFICATIONS.map((c) => <td class="num">{PERSON_STATUSES.reduce((n, s) => n + count(s, c), 0)}</td>)}<td class="num" id="persons-total">{stats.personsByStatus.reduce((n, r) => n + r.count, 0)}</td></tr>
      </tbody>
    </table>
  );
}

/** The dashboard: four figures for the actor's scope, each as a chart (where it helps) and a table. */
export function Dashboard(props: { stats: Stats; lang: Lang; scopeName: string }) {
  const { stats, lang } = props;
  const charts = chartData(stats, lang);
  return (
    <>
      <form method="get" action="/admin/reports" class="filters">
        <p class="muted">{t(lang, 'reports.scope', { scope: props.scopeName })}</p>
        <label>{t(lang, 'reports.from')}<input type="date" name="from" value={stats.range.from} /></label>
        <label>{t(lang, 'reports.to')}<input type="date" name="to" value={stats.range.to} /></label>
        <button type="submit">{t(lang, 'reports.show')}</button>
      </form>
      <section class="card">
        <h2>{t(lang, 'reports.byStatus')}</h2>
        <ByStatus stats={stats} lang={lang} />
      </section>
      <section class="card" id="notifications-accepted">
        <h2>{t(lang, 'reports.notificationsAccepted')}</h2>
        <p class="num">{stats.notificationsAccepted.reduce((n, d) => n + d.count, 0)}</p>
        <table>
          <tbody>{stats.notificationsAccepted.filter((d) => d.count > 0).map((d) => <tr><td>{d.date}</td><td class="num">{d.count}</td></tr>)}</tbody>
        </table>
      </section>
      <div class="stat-grid">
        <section class="card">
          <h2>{t(lang, 'reports.alertsPerDay')}</h2>
          <div class="chart" data-chart="bars" data-series={JSON.stringify(charts.alerts)} role="img" aria-label={t(lang, 'reports.chartAlt')}></div>
          <details>
            <summary>{t(lang, 'reports.date')}</summary>
            <table id="alerts-per-day">
              <thead><tr><th>{t(lang, 'reports.date')}</th><th class="num">{t(lang, 'reports.red')}</th><th class="num">{t(lang, 'reports.amber')}</th></tr></thead>
              <tbody>{stats.alertsPerDay.map((d) => <tr><td>{d.date}</td><td class="num">{d.red}</td><td class="num">{d.amber}</td></tr>)}</tbody>
            </table>
          </details>
        </section>
        <section class="card">
          <h2>{t(lang, 'reports.perRound')}</h2>
          {stats.checksPerRound.length === 0 ? <p>{t(lang, 'reports.noData')}</p> : (
            <>
              <div class="chart" data-chart="lines" data-series={JSON.stringify(charts.share)} role="img" aria-label={t(lang, 'reports.chartAlt')}></div>
              <table id="checks-per-round">
                <thead><tr><th>{t(lang, 'reports.date')}</th><th>{t(lang, 'reports.round')}</th><th class="num">{t(lang, 'reports.sent')}</th><th class="num">{t(lang, 'reports.answered')}</th><th class="num">{t(lang, 'reports.share')}</th></tr></thead>
                <tbody>{stats.checksPerRound.map((r) => <tr><td>{r.date}</td><td>{r.round === 'manual' ? t(lang, 'reports.round.manual') : r.round}</td><td class="num">{r.sent}</td><td class="num">{r.answered}</td><td class="num">{pct(r.share)}</td></tr>)}</tbody>
              </table>
            </>
          )}
        </section>
      </div>
      <section class="card">
        <h2>{t(lang, 'reports.perCentre')}</h2>
        <table id="per-centre">
          <thead><tr><th>{t(lang, 'reports.centre')}</th><th class="num">{t(lang, 'reports.persons')}</th><th class="num">{t(lang, 'reports.monitored')}</th><th class="num">{t(lang, 'reports.openAlerts')}</th><th class="num">{t(lang, 'reports.sent')}</th><th class="num">{t(lang, 'reports.answered')}</th><th class="num">{t(lang, 'reports.share')}</th></tr></thead>
          <tbody>
            {stats.perCentre.map((c) => (
              <tr data-centre={c.code}><td>{lang === 'ja' ? c.nameJa : c.nameEn} <small class="muted">{c.code}</small></td><td class="num">{c.persons}</td><td class="num">{c.monitored}</td><td class="num">{c.openAlerts}</td><td class="num">{c.sent}</td><td class="num">{c.answered}</td><td class="num">{pct(c.share)}</td></tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

/** National officers: the inbox backlog (counts only) against the overload limit (INBOX_BACKLOG_LIMIT). */
export function IntakeBacklog(props: { backlog: InboxBacklog; limit: number; maxAgeSeconds: number; lang: Lang }) {
  const { backlog, limit, maxAgeSeconds, lang } = props;
  const over = backlog.backlog > limit || (maxAgeSeconds > 0 && backlog.oldestAgeSeconds > maxAgeSeconds);
  return (
    <section class="card" id="intake-backlog" data-shedding={over ? 'yes' : 'no'}>
      <h2>{t(lang, 'reports.intake.title')}</h2>
      <table>
        <tbody>
          <tr><th>{t(lang, 'reports.intake.backlog')}</th><td class="num" id="intake-backlog-count">{backlog.backlog}</td></tr>
          <tr><th>{t(lang, 'reports.intake.oldest')}</th><td class="num" id="intake-backlog-age">{t(lang, 'reports.intake.seconds', { n: String(backlog.oldestAgeSeconds) })}</td></tr>
        </tbody>
      </table>
      <p class={over ? 'error' : 'muted'}>{t(lang, over ? 'reports.intake.shedding' : 'reports.intake.ok')}</p>
      <p class="muted">{t(lang, 'reports.intake.limit', { limit: String(limit) })}</p>
    </section>
  );
}
